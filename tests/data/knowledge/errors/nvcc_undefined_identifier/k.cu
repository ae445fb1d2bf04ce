__global__ void k(float* x) {
  x[threadIdx.x] = scale * x[threadIdx.x];
}
