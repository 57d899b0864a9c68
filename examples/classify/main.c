/* Runs the bundled tiny CNN (8x8 image -> 10 class scores) compiled by dlc
 * and prints the scores, the best class and the time per inference. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tiny_cnn.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  int repeat = argc > 1 ? atoi(argv[1]) : 1000;
  if (repeat < 1)
    repeat = 1;

  /* A diagonal stroke on a dark background. */
  float image[1][1][8][8] = {{{{0}}}};
  for (int i = 0; i < 8; ++i)
    image[0][0][i][i] = 1.0f;
  float scores[1][10];

  dlc_device *device = NULL;
  dlc_model *model = NULL;
  if (dlc_device_create("cpu", &device) != DLC_OK ||
      tiny_cnn_create(device, &model) != DLC_OK) {
    fprintf(stderr, "classify: %s\n", dlc_last_error());
    dlc_device_destroy(device);
    return 1;
  }

  double start = now_ms();
  for (int r = 0; r < repeat; ++r) {
    if (tiny_cnn_run(model, &image[0][0][0][0], &scores[0][0]) != DLC_OK) {
      fprintf(stderr, "classify: %s\n", dlc_last_error());
      tiny_cnn_destroy(model);
      dlc_device_destroy(device);
      return 1;
    }
  }
  double elapsed = now_ms() - start;

  int best = 0;
  printf("scores:");
  for (int c = 0; c < 10; ++c) {
    printf(" %.4f", scores[0][c]);
    if (scores[0][c] > scores[0][best])
      best = c;
  }
  printf("\nclass %d (p = %.4f)\n", best, scores[0][best]);
  printf("%.4f ms per inference (%d runs, %d thread(s))\n", elapsed / repeat,
         repeat, dlc_device_threads(device));

  tiny_cnn_destroy(model);
  dlc_device_destroy(device);
  return 0;
}
