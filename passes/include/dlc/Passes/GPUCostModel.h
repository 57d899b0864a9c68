//===- GPUCostModel.h - launch shapes of GPU kernels ------------*- C++ -*-===//
//
// The one place where GPU tile and launch sizes are chosen. Passes ask it
// for the shape of a kernel given its kind and size; nothing else in the
// pipeline hard-codes block sizes.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PASSES_GPUCOSTMODEL_H
#define DLC_PASSES_GPUCOSTMODEL_H

#include <cstdint>

namespace dlc::gpu {

/// What a kernel's threads do, as far as launch shapes are concerned.
enum class KernelKind {
  /// One cheap iteration per thread (elementwise, copies, broadcasts).
  Elementwise,
  /// Each thread runs reduction loops (matmul, convolution, pooling,
  /// reductions along an axis): long threads, fewer per block so that
  /// more blocks spread over the multiprocessors.
  PerThreadReduction,
  /// A single scalar computation.
  Scalar,
};

/// A one-dimensional launch: `grid` blocks of `block` threads.
struct LaunchShape {
  int64_t grid = 1;
  int64_t block = 1;
};

/// Threads per warp (NVIDIA) / the smaller wave size (AMD, wave32 on RDNA);
/// blocks are a multiple of it.
constexpr int64_t kWarpSize = 32;
/// The largest grid.x a launch may use (CUDA and HIP).
constexpr int64_t kMaxGridX = (int64_t(1) << 31) - 1;

/// Chooses the launch for `iterations` independent iterations of a kernel
/// of kind `kind`. `blockOverride` > 0 forces the block size.
inline LaunchShape chooseLaunch(KernelKind kind, int64_t iterations,
                                int64_t blockOverride = 0) {
  LaunchShape shape;
  if (kind == KernelKind::Scalar || iterations <= 1)
    return {1, 1};
  int64_t block = kind == KernelKind::Elementwise ? 256 : 128;
  if (blockOverride > 0)
    block = blockOverride;
  else if (iterations < block)
    // Small kernels: one block, rounded up to whole warps.
    block = (iterations + kWarpSize - 1) / kWarpSize * kWarpSize;
  shape.block = block;
  shape.grid = (iterations + block - 1) / block;
  return shape;
}

/// Consecutive innermost iterations one thread of an elementwise kernel
/// runs (4: 128-bit accesses for 32-bit elements); 1 when the innermost
/// trip count is not a multiple or the kernel runs reduction loops.
inline int64_t chooseVectorWidth(KernelKind kind, int64_t innermostTrips) {
  if (kind != KernelKind::Elementwise || innermostTrips % 4 != 0)
    return 1;
  return 4;
}

/// Threads per block of warp-per-output reductions.
constexpr int64_t kWarpReductionBlock = 256;

/// Whether a reduction of `length` elements into each of `outputs` results
/// should use a warp per result (lanes stride through the row, shuffles
/// combine them) rather than a thread per result: rows long enough to give
/// every lane work.
inline bool useWarpReduction(int64_t length, int64_t outputs) {
  return length >= 2 * kWarpSize && outputs >= 1;
}

/// Shared-memory tiling of a matrix product C[MxN] += A[MxK] B[KxN]: each
/// block computes a tileM x tileN tile of C, staging tileK-deep slices of
/// A and B in shared memory; each of its threads accumulates a
/// threadM x threadN sub-tile in registers.
struct MatmulTiles {
  int64_t tileM = 64, tileN = 64, tileK = 16;
  int64_t threadM = 4, threadN = 4;
  int64_t threads() const { return (tileM / threadM) * (tileN / threadN); }
};

/// The tiles for a product, or nothing when the product is too thin for a
/// 64x64 tile to pay (e.g. a matrix-vector product: the per-thread kernel
/// is better there).
inline bool chooseMatmulTiles(int64_t m, int64_t n, int64_t k,
                              MatmulTiles &tiles) {
  tiles = MatmulTiles();
  if (m < 16 || n < 16 || k < 8)
    return false;
  if (m < 64) {
    // Short products (e.g. a batch of a few rows): 16-row tiles.
    tiles.tileM = 16;
    tiles.threadM = 1;
  }
  return true;
}

/// Tensor-core tiling of a product on warp-level mma.sync m16n8k16 (fp16 /
/// bf16 inputs, f32 accumulators): each block computes a tileM x tileN
/// tile of C with warpsM x warpsN warps, each warp a
/// (tileM / warpsM) x (tileN / warpsN) sub-tile of 16x8 mma tiles; the
/// operands go through workgroup memory in tileK-deep slices, `stages` of
/// them in flight when the asynchronous copies can load them.
struct MmaTiles {
  int64_t tileM = 64, tileN = 64, tileK = 32;
  int64_t warpsM = 2, warpsN = 2;
  /// The deepest cp.async pipeline (fewer where the slices do not fit
  /// kStaticSharedBytes).
  int64_t stages = 3;
  /// Elements of padding after each row of a staged slice: 16 bytes, so
  /// that the eight 16-byte rows one ldmatrix reads fall in different
  /// banks.
  static constexpr int64_t kPad = 8;
  int64_t warpTileM() const { return tileM / warpsM; }
  int64_t warpTileN() const { return tileN / warpsN; }
  int64_t threads() const { return warpsM * warpsN * kWarpSize; }
};

/// Static workgroup memory a block may declare (CUDA and HIP).
constexpr int64_t kStaticSharedBytes = 48 * 1024;

/// The multiprocessors of the smallest GPU the tiles are sized for (an
/// A100 has 108, an H100 132): a product with fewer tiles than this uses
/// smaller ones.
constexpr int64_t kMultiprocessors = 108;

/// The tensor-core tiles for a product. Thin products still take them
/// (a matrix-vector product pads its rows to 16: tensor cores idle at
/// 1/16 still outrun the SIMT kernels on fp16); false only for an empty
/// one.
inline bool chooseMmaTiles(int64_t m, int64_t n, int64_t k, int64_t batch,
                           MmaTiles &tiles) {
  tiles = MmaTiles();
  if (m < 1 || n < 1 || k < 1 || batch < 1)
    return false;
  auto blocks = [&](int64_t tm, int64_t tn) {
    return (m + tm - 1) / tm * ((n + tn - 1) / tn) * batch;
  };
  if (m >= 128 && n >= 128 && blocks(128, 128) >= kMultiprocessors) {
    // Large products: 128x128 tiles, 8 warps of 64x32 (64 accumulators a
    // thread), about 37 KiB of workgroup memory with two stages.
    tiles.tileM = tiles.tileN = 128;
    tiles.warpsM = 2;
    tiles.warpsN = 4;
    return true;
  }
  if (m < 32) {
    tiles.tileM = 16;
    tiles.warpsM = 1;
  } else if (m < 64) {
    tiles.tileM = 32;
  }
  if (n < 32) {
    tiles.tileN = 16;
    tiles.warpsN = 1;
  } else if (n < 64) {
    tiles.tileN = 32;
    tiles.warpsN = 2;
  }
  if (tiles.warpTileM() % 16 || tiles.warpTileN() % 16) {
    tiles.warpsN = 1;
    tiles.warpsM = 1;
  }
  return true;
}

/// Lanes of an AMD CDNA wave (gfx90a, gfx942), the unit of the matrix
/// cores.
constexpr int64_t kWaveSize = 64;

/// The compute units of the smallest CDNA GPU the matrix-core tiles are
/// sized for (an MI210 has 104, an MI300X 304): a product with fewer tiles
/// than this uses smaller ones.
constexpr int64_t kComputeUnits = 104;

/// Matrix-core tiling of a product on AMD amdgpu.mfma 16x16x16 (fp16 /
/// bf16 inputs, f32 accumulators): each block computes a tileM x tileN
/// tile of C with wavesM x wavesN waves of 64 lanes, each wave a
/// (tileM / wavesM) x (tileN / wavesN) sub-tile of 16x16 mfma tiles; the
/// operands go through workgroup memory in tileK-deep slices.
struct MfmaTiles {
  int64_t tileM = 64, tileN = 64, tileK = 32;
  int64_t wavesM = 2, wavesN = 2;
  /// Elements of padding after each row of a staged slice ([row][k], 16-bit
  /// elements): 8 bytes, so that the 16 rows the lanes of a quarter wave
  /// read 8 bytes each from fall in distinct banks.
  static constexpr int64_t kPad = 4;
  int64_t waveTileM() const { return tileM / wavesM; }
  int64_t waveTileN() const { return tileN / wavesN; }
  int64_t threads() const { return wavesM * wavesN * kWaveSize; }
};

/// The matrix-core tiles for a product (always four waves: 256 threads).
/// Thin products take the smallest tiles, rows and columns past the
/// product zero (as for mma.sync); false only for an empty one.
inline bool chooseMfmaTiles(int64_t m, int64_t n, int64_t k, int64_t batch,
                            MfmaTiles &tiles) {
  tiles = MfmaTiles();
  if (m < 1 || n < 1 || k < 1 || batch < 1)
    return false;
  auto blocks = [&](int64_t tm, int64_t tn) {
    return (m + tm - 1) / tm * ((n + tn - 1) / tn) * batch;
  };
  if (m >= 128 && n >= 128 && blocks(128, 128) >= kComputeUnits) {
    // Large products: 128x128 tiles, waves of 64x64 (4x4 mfma tiles, 64
    // accumulators a lane), about 18 KiB of workgroup memory.
    tiles.tileM = tiles.tileN = 128;
    return true;
  }
  // Short or narrow products: 32-row / 32-column tiles, waves of 16.
  if (m < 64)
    tiles.tileM = 32;
  if (n < 64)
    tiles.tileN = 32;
  return true;
}

} // namespace dlc::gpu

#endif // DLC_PASSES_GPUCOSTMODEL_H
