/* Helpers shared by the runtime test programs (C99). Every failed CHECK
   prints where and why and makes the program exit 1, so a test fails both
   through its exit code and through its FileCheck lines. */
#ifndef DLC_RT_TEST_H
#define DLC_RT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlc/runtime.h"

static int rt_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stdout, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);        \
      fflush(stdout);                                                          \
      ++rt_failures;                                                           \
    }                                                                          \
  } while (0)

/* Runs `call`, prints "label: status: message" and checks the status. */
#define EXPECT_STATUS(label, expected, call)                                   \
  do {                                                                         \
    dlc_status rt_s = (call);                                                  \
    printf("%s: %s: %s\n", (label), dlc_status_string(rt_s),                   \
           rt_s == DLC_OK ? "" : dlc_last_error());                            \
    if (rt_s != (expected)) {                                                  \
      printf("FAILED %s:%d: %s returned %s, expected %s\n", __FILE__,          \
             __LINE__, #call, dlc_status_string(rt_s),                         \
             dlc_status_string(expected));                                     \
      ++rt_failures;                                                           \
    }                                                                          \
    fflush(stdout);                                                            \
  } while (0)

#define EXPECT_OK(call) EXPECT_STATUS(#call, DLC_OK, call)

static int rt_finish(void) {
  if (rt_failures) {
    printf("%d check(s) FAILED\n", rt_failures);
    return 1;
  }
  printf("ALL PASSED\n");
  return 0;
}

#endif
