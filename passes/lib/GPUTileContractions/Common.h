//===- Common.h - what the GPU product kernels share ------------*- C++ -*-===//
//
// The analysis of a contraction as C[batch][M][N] += A[M][K] B[K][N], its
// fusable elementwise consumer, the staging of operand tiles in workgroup
// memory and the store of results, used by both kernels of
// dlc-gpu-tile-contractions: the SIMT one (Simt.cpp) and the tensor-core
// one (Mma.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PASSES_GPUTILECONTRACTIONS_COMMON_H
#define DLC_PASSES_GPUTILECONTRACTIONS_COMMON_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include <optional>

namespace dlc::gputile {

/// The elementwise consumer of a product's result C, applied to the
/// accumulators before the store: C is a fresh buffer that only its fill,
/// the product, the consumer and deallocations use, the consumer reads it
/// through an identity map, writes its own output through one, computes
/// with arith / math on scalars only, and nothing with memory effects
/// runs between the product and it.
struct Epilogue {
  mlir::linalg::GenericOp op;
  mlir::linalg::FillOp fill;
  unsigned cInput = 0;
};

std::optional<Epilogue> findEpilogue(mlir::linalg::LinalgOp product,
                                     mlir::Value C);

/// A contraction on static memrefs whose loops are classified by the
/// operands that use them: batch (A, B and C), M (A and C), N (B and C) and
/// K (reductions, A and B). matmul, batched products and convolutions
/// (implicit GEMM: M = batch x output pixels, N = output channels, K =
/// input channels x kernel window) all fit. M, N and K are linearized (the
/// last loop of each fastest).
struct Contraction {
  mlir::linalg::LinalgOp op;
  mlir::Value A, B, C;
  mlir::Type aElem, bElem;
  llvm::SmallVector<mlir::AffineMap> maps;
  llvm::SmallVector<int64_t> ranges;
  llvm::SmallVector<unsigned> batchDims, mDims, nDims, kDims;
  int64_t batch = 1, M = 1, N = 1, K = 1;
};

/// The contraction `op` is, when its operands are static memrefs of f32,
/// f16 or bf16 (A and B) and f32 (C) and its loops classify.
std::optional<Contraction> classify(mlir::linalg::LinalgOp op);

/// Small builders of index arithmetic and loops.
struct Builder {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value idx(int64_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, int64_t y);
  mlir::Value rem(mlir::Value x, int64_t y);
  mlir::Value lt(mlir::Value x, int64_t y);
  mlir::Value band(mlir::Value x, mlir::Value y);
  /// for (iv = 0; iv < n; ++iv) body(iv)
  void loop(int64_t n, llvm::function_ref<void(mlir::Value)> body);
};

/// Keeps an scf.for rolled in the generated code (LLVM's unroller would
/// hoist every step's global loads and run out of registers).
void keepRolled(mlir::scf::ForOp loop);

/// Operand addressing inside a kernel: the loop values of the batch, M, N
/// and K positions and the operands' indices through their maps.
class Indexer {
public:
  Indexer(const Contraction &c, Builder &k) : c(c), k(k) {}
  /// Splits `linear` into the loops `dims` (the last fastest).
  void delinearize(llvm::ArrayRef<unsigned> dims, mlir::Value linear,
                   llvm::SmallVectorImpl<mlir::Value> &ivs);
  /// The indices of `map` at loop values `ivs`.
  llvm::SmallVector<mlir::Value> apply(mlir::AffineMap map,
                                       llvm::ArrayRef<mlir::Value> ivs);
  /// Loop values with the batch loops taken from `batchIndex`, every other
  /// loop 0.
  llvm::SmallVector<mlir::Value> base(mlir::Value batchIndex);

private:
  const Contraction &c;
  Builder &k;
};

/// Copies the A slice [rowBase, +rows) x [k0, +cols) (isA) or the B slice
/// [k0, +rows) x [colBase, +cols) into workgroup memory with all `threads`
/// threads of the block, consecutive threads taking consecutive elements
/// of the dimension the operand's memory is contiguous in; elements
/// outside the matrices are zero. `dst(row, col)` gives the indices of an
/// element in the tile (row: m or k, col: k or n).
void stageTile(
    Builder &k, Indexer &ix, const Contraction &c, mlir::Value src,
    bool isA, mlir::Value tid, int64_t threads, int64_t rows, int64_t cols,
    mlir::Value rowBase, mlir::Value colBase, mlir::Value k0,
    llvm::ArrayRef<mlir::Value> base, mlir::Value tileBuffer,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value, mlir::Value)>
        dst);

/// Stores accumulator value `v` of C's element (gm, gn) when it lies in
/// C: C += v, or with an epilogue out = epilogue(fill value + v, its other
/// inputs).
void storeResult(Builder &k, Indexer &ix, const Contraction &c,
                 const std::optional<Epilogue> &epi,
                 llvm::ArrayRef<mlir::Value> base, mlir::Value gm,
                 mlir::Value gn, mlir::Value v);

/// Whether A and B are both fp16 or both bf16 (the tensor cores' 16-bit
/// inputs).
bool hasHalfInputs(const Contraction &c);

/// Whether a grid of tileM x tileN tiles of C over the batch fits the
/// launch limits (grid.y and grid.z at most 65535 blocks).
bool gridFits(const Contraction &c, int64_t tileM, int64_t tileN);

/// A buffer of the kernel's workgroup (shared) or private memory.
mlir::MemRefType workgroupBuffer(mlir::MLIRContext *ctx,
                                 llvm::ArrayRef<int64_t> shape,
                                 mlir::Type element);
mlir::MemRefType privateBuffer(mlir::MLIRContext *ctx,
                               llvm::ArrayRef<int64_t> shape,
                               mlir::Type element);

/// The launch of a product kernel: x over the tileN-wide column tiles of
/// C, y over the tileM-high row tiles, z over the batch, `threads`
/// threads a block, with these workgroup and private buffers; its body
/// holds only the terminator. With `fuse`, the product's epilogue is
/// looked for (returned in `epi`) and the launch goes where it is (its
/// inputs and output are defined there; nothing between touches memory),
/// else where the product is.
mlir::gpu::LaunchOp createProductLaunch(const Contraction &c, bool fuse,
                                        int64_t tileM, int64_t tileN,
                                        int64_t threads,
                                        mlir::TypeRange workgroup,
                                        mlir::TypeRange privates,
                                        std::optional<Epilogue> &epi);

/// What --explain says of a product kernel: `dlc.kernel_kind` "product",
/// `dlc.strategy`, `dlc.precision` (its inputs' type) and `dlc.flops`.
void describeLaunch(mlir::gpu::LaunchOp launch, const Contraction &c,
                    llvm::StringRef strategy);

/// After the launch is built: the product (and a fused epilogue, its fill
/// and C's buffer) erased, the launch located at both.
void finish(const Contraction &c, std::optional<Epilogue> &epi,
            mlir::gpu::LaunchOp launch);

} // namespace dlc::gputile

#endif // DLC_PASSES_GPUTILECONTRACTIONS_COMMON_H
