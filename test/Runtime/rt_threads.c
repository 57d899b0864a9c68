/* Concurrency: 8 model instances on 8 threads sharing one device (and so
   one thread pool) run many times with exact results; a model used from
   two threads at once is rejected, never corrupted. */
#include "rt_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

enum { ROWS = 48, COLS = 37, THREADS = 8, ITERATIONS = 150 };
static const int64_t shape[] = {ROWS, COLS};
static const dlc_tensor_info io_in[] = {{"X", DLC_FLOAT32, 2, shape}};
static const dlc_tensor_info io_out[] = {{"Y", DLC_FLOAT32, 2, shape}};

typedef struct {
  const float *x;
  float *scratch;
  float *y;
} args;

static void stage1(void *data, int64_t begin, int64_t end) {
  args *a = (args *)data;
  int64_t i;
  for (i = begin * COLS; i < end * COLS; ++i)
    a->scratch[i] = a->x[i] * 3.0f;
}

static void stage2(void *data, int64_t begin, int64_t end) {
  args *a = (args *)data;
  int64_t r, c;
  for (r = begin; r < end; ++r)
    for (c = 0; c < COLS; ++c)
      a->y[r * COLS + c] = a->scratch[r * COLS + c] + (float)r;
}

/* Y[r, c] = 3 * X[r, c] + r, through the arena, in two parallel loops. */
static int32_t io_entry(void *const *buffers, void *arena, const void *weights,
                        void *ctx) {
  args a;
  (void)weights;
  a.x = (const float *)buffers[0];
  a.y = (float *)buffers[1];
  a.scratch = (float *)arena;
  dlc_parallel_for(ctx, ROWS, stage1, &a);
  dlc_parallel_for(ctx, ROWS, stage2, &a);
  return 0;
}

static const dlc_model_info io_info = {
    DLC_ABI_VERSION, DLC_DEVICE_CPU, "io", 1, 1, io_in, io_out,
    sizeof(float) * ROWS * COLS, 0, NULL, io_entry, NULL, 0, NULL, 0, NULL};

static int run_once(dlc_model *m, float seed, dlc_status *status) {
  float x[ROWS * COLS], y[ROWS * COLS];
  dlc_tensor in = {DLC_FLOAT32, 2, shape, NULL, sizeof x};
  dlc_tensor out = {DLC_FLOAT32, 2, shape, NULL, sizeof y};
  int i;
  for (i = 0; i < ROWS * COLS; ++i) {
    x[i] = seed + (float)(i % 101);
    y[i] = -12345.0f;
  }
  in.data = x;
  out.data = y;
  *status = dlc_model_run(m, &in, 1, &out, 1);
  if (*status != DLC_OK)
    return 0;
  for (i = 0; i < ROWS * COLS; ++i)
    if (y[i] != x[i] * 3.0f + (float)(i / COLS))
      return 0;
  return 1;
}

/* ---- 8 models, 8 threads ----------------------------------------------- */

typedef struct {
  dlc_model *model;
  int index;
  int failures;
} worker;

static void *worker_main(void *p) {
  worker *w = (worker *)p;
  int it;
  for (it = 0; it < ITERATIONS; ++it) {
    dlc_status s;
    if (!run_once(w->model, (float)(w->index * 1000 + it), &s))
      ++w->failures;
  }
  return NULL;
}

/* ---- One model, two threads -------------------------------------------- */

static atomic_int entered, release;

/* Blocks inside the run until the main thread says so. */
static int32_t blocking_entry(void *const *buffers, void *arena,
                              const void *weights, void *ctx) {
  int waited = 0;
  atomic_store(&entered, 1);
  while (!atomic_load(&release) && waited < 20000) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    ++waited;
  }
  return io_entry(buffers, arena, weights, ctx);
}

static const dlc_model_info blocking_info = {
    DLC_ABI_VERSION, DLC_DEVICE_CPU, "blocking", 1, 1, io_in, io_out,
    sizeof(float) * ROWS * COLS, 0, NULL, blocking_entry, NULL, 0, NULL, 0,
    NULL};

typedef struct {
  dlc_model *model;
  int ok;
  dlc_status status;
} holder;

static void *holder_main(void *p) {
  holder *h = (holder *)p;
  h->ok = run_once(h->model, 7.0f, &h->status);
  return NULL;
}

typedef struct {
  dlc_model *model;
  int wrong;    /* an accepted run with a wrong result */
  int rejected; /* "already running" rejections */
  int other;    /* any other failure */
} hammer;

static void *hammer_main(void *p) {
  hammer *h = (hammer *)p;
  int it;
  for (it = 0; it < 300; ++it) {
    dlc_status s;
    int ok = run_once(h->model, (float)it, &s);
    if (s == DLC_OK && !ok)
      ++h->wrong;
    else if (s == DLC_ERROR_INVALID_ARGUMENT &&
             strstr(dlc_last_error(), "already running"))
      ++h->rejected;
    else if (s != DLC_OK)
      ++h->other;
  }
  return NULL;
}

int main(void) {
  dlc_device *dev = NULL;
  dlc_model *models[THREADS] = {0};
  worker workers[THREADS];
  pthread_t tids[THREADS];
  holder h;
  hammer hs[2];
  dlc_status s;
  int i;

  EXPECT_OK(dlc_device_create("cpu:4", &dev));

  /* 8 models on 8 threads, one shared pool. */
  for (i = 0; i < THREADS; ++i) {
    CHECK(dlc_model_create(&io_info, dev, NULL, &models[i]) == DLC_OK);
    workers[i].model = models[i];
    workers[i].index = i;
    workers[i].failures = 0;
  }
  if (rt_failures)
    return rt_finish();
  for (i = 0; i < THREADS; ++i)
    CHECK(pthread_create(&tids[i], NULL, worker_main, &workers[i]) == 0);
  for (i = 0; i < THREADS; ++i) {
    pthread_join(tids[i], NULL);
    if (workers[i].failures)
      printf("FAILED thread %d: %d of %d runs wrong\n", i,
             workers[i].failures, ITERATIONS);
    CHECK(workers[i].failures == 0);
  }
  // CHECK: 8 models on 8 threads: 1200 runs checked
  printf("8 models on 8 threads: %d runs checked\n", THREADS * ITERATIONS);
  for (i = 0; i < THREADS; ++i)
    dlc_model_destroy(models[i]);

  /* The same model from a second thread while it runs: rejected. */
  CHECK(dlc_model_create(&blocking_info, dev, NULL, &h.model) == DLC_OK);
  h.ok = 0;
  CHECK(pthread_create(&tids[0], NULL, holder_main, &h) == 0);
  while (!atomic_load(&entered)) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  {
    float x[ROWS * COLS] = {0}, y[ROWS * COLS] = {0};
    dlc_tensor in = {DLC_FLOAT32, 2, shape, NULL, sizeof x};
    dlc_tensor out = {DLC_FLOAT32, 2, shape, NULL, sizeof y};
    const void *raw_in[1];
    void *raw_out[1];
    in.data = x;
    out.data = y;
    raw_in[0] = x;
    raw_out[0] = y;
    // CHECK: concurrent run: invalid argument: model is already running on another thread (model 'blocking')
    EXPECT_STATUS("concurrent run", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run(h.model, &in, 1, &out, 1));
    // CHECK: concurrent run_raw: invalid argument: model is already running on another thread (model 'blocking')
    EXPECT_STATUS("concurrent run_raw", DLC_ERROR_INVALID_ARGUMENT, dlc_model_run_raw(h.model, raw_in, raw_out));
    CHECK(y[0] == 0.0f);
  }
  atomic_store(&release, 1);
  pthread_join(tids[0], NULL);
  /* The first run was not disturbed, and the model runs again. */
  CHECK(h.status == DLC_OK && h.ok);
  CHECK(run_once(h.model, 3.0f, &s) && s == DLC_OK);
  dlc_model_destroy(h.model);

  /* Two threads hammering one model: each run is either rejected or
     correct. */
  CHECK(dlc_model_create(&io_info, dev, NULL, &models[0]) == DLC_OK);
  for (i = 0; i < 2; ++i) {
    hs[i].model = models[0];
    hs[i].wrong = hs[i].rejected = hs[i].other = 0;
    CHECK(pthread_create(&tids[i], NULL, hammer_main, &hs[i]) == 0);
  }
  for (i = 0; i < 2; ++i) {
    pthread_join(tids[i], NULL);
    CHECK(hs[i].wrong == 0 && hs[i].other == 0);
  }
  dlc_model_destroy(models[0]);
  dlc_device_destroy(dev);
  // CHECK-NOT: FAILED
  // CHECK: ALL PASSED
  return rt_finish();
}
