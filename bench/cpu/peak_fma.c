/* The fp32 FMA peak of this CPU: every thread runs 12 independent chains of
 * 256-bit fused multiply-adds (enough to cover the FMA latency on two
 * pipes) for a fixed count; prints GFLOP/s over all threads.
 *   cc -O3 -march=native -pthread peak_fma.c -o peak_fma && ./peak_fma THREADS
 * (-O2 without -march keeps the chains in memory: half the peak). */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kIterations = 200 * 1000 * 1000 / 12, kChains = 12 };

static void *run(void *out) {
  __m256 acc[kChains];
  __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < kChains; ++i)
    acc[i] = _mm256_set1_ps((float)i);
  for (long it = 0; it < kIterations; ++it)
    for (int i = 0; i < kChains; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  float sum = 0;
  for (int i = 0; i < kChains; ++i) {
    float lanes[8];
    _mm256_storeu_ps(lanes, acc[i]);
    sum += lanes[0];
  }
  *(float *)out = sum;
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  if (threads < 1 || threads > 256)
    return fprintf(stderr, "usage: peak_fma [THREADS]\n"), 1;
  pthread_t tid[256];
  float sink[256];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int t = 0; t < threads; ++t)
    pthread_create(&tid[t], NULL, run, &sink[t]);
  for (int t = 0; t < threads; ++t)
    pthread_join(tid[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  double flops = 2.0 * 8 * kChains * (double)kIterations * threads;
  printf("%.1f GFLOP/s (%d threads, checksum %g)\n", flops / s / 1e9, threads,
         (double)sink[0]);
  return 0;
}
