float twice(float v) { return 2.0f * v; }
__global__ void k(float* x) {
  x[threadIdx.x] = twice(x[threadIdx.x]);
}
