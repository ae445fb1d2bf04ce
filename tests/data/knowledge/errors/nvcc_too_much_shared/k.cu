__global__ void k(float* x) {
  __shared__ float buf[32768];
  buf[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  x[threadIdx.x] = buf[255 - threadIdx.x];
}
