//===- Plan.h - the plan of one CPU contraction kernel ----------*- C++ -*-===//
//
// The CPU contraction tiler in three steps: Analysis.cpp (linear offsets,
// epilogue matching), Plan.cpp (ContractionPlan::analyze: loops, output,
// tiles, tables; ContractionPlan::cost) and Kernel.cpp
// (ContractionPlan::emit: the vector kernel). Pass.cpp holds the pass,
// which plans each contraction both ways, keeps the cheaper and emits it.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PASSES_CPUTILECONTRACTIONS_PLAN_H
#define DLC_PASSES_CPUTILECONTRACTIONS_PLAN_H

#include "dlc/Passes/CPUCostModel.h"
#include "dlc/Passes/Passes.h"
#include <optional>

namespace dlc::cpu_contractions {

using namespace mlir;

//===----------------------------------------------------------------------===//
// Analysis.cpp
//===----------------------------------------------------------------------===//

/// An element offset linear in the loops: cst + sum coef[d] * iv[d].
struct Linear {
  SmallVector<int64_t> coef;
  int64_t cst = 0;
};

bool addLinear(AffineExpr e, int64_t scale, Linear &l);
/// The offset of `map`'s element in a memref of `type`, or nothing when it
/// is not linear (mod, div, dynamic strides).
std::optional<Linear> linearOffset(AffineMap map, MemRefType type);
/// One past the largest element offset a memref of `type` reaches.
int64_t extent(MemRefType type);
/// The part of `l` over `dims` at every linear index of those loops (the
/// last loop fastest).
SmallVector<int64_t> table(const Linear &l, ArrayRef<unsigned> dims,
                           ArrayRef<int64_t> ranges);
/// The stride s when t[i] == i * s for every i.
std::optional<int64_t> linearStride(ArrayRef<int64_t> t);
/// Whether panel p (columns p*nr .. p*nr+nr-1) is full and contiguous in t.
bool contiguousPanel(ArrayRef<int64_t> t, int64_t p, int64_t nr);
bool allN(const Linear &l, ArrayRef<unsigned> nDims, int64_t v);
/// Whether the payload is out + a * b, the factors maybe widened from a
/// 16-bit float type (arith.extf).
bool isMulAdd(linalg::LinalgOp op);
/// The dense f32, bf16 or f16 value of a constant global read by `v`, if
/// any.
DenseElementsAttr constantValue(Value v, ModuleOp module);

/// Every use of `v` and of the views of it.
void collectUses(Value v, SmallVectorImpl<OpOperand *> &uses);
/// Whether `op` only allocates or has no memory effects (safe to move a
/// kernel across).
bool harmless(Operation *op);
/// The buffer a memref value views (through views, casts and reshapes).
Value rootBuffer(Value v);
/// Whether moving a kernel that reads `reads` and writes `writes` across
/// `op` changes what either sees.
bool conflicts(Operation *op, ArrayRef<Value> reads, ArrayRef<Value> writes);

/// The elementwise consumer fused as the epilogue.
struct Epilogue {
  linalg::GenericOp op;
  Operation *view = nullptr; // collapse_shape of C read by op, if any
  unsigned cInput = 0;       // the input reading C
  AffineMap loopsToOut;      // contraction loops -> op's iteration space
};

/// The elementwise consumer of `op`'s output C that the kernel can apply
/// to its registers, if any.
std::optional<Epilogue> findEpilogue(linalg::LinalgOp op, Value C,
                                     ArrayRef<unsigned> loopsOfC);

//===----------------------------------------------------------------------===//
// Plan.cpp and Kernel.cpp
//===----------------------------------------------------------------------===//

/// The pass options the plan depends on.
struct PlanOptions {
  int64_t vectorBits = 256;
  int64_t vectorRegisters = 16;
  bool fuseEpilogues = true;
  bool bf16Dot = false;
};

/// Everything the kernel of one contraction is built from. S and V are
/// the inputs (V shares C's innermost loop, so vectors run along it), O
/// the memref the kernel writes (C, the epilogue's output, a padded buffer
/// or a model result).
struct ContractionPlan {
  linalg::LinalgOp op;
  ModuleOp module;
  bool swap = false;

  // Operands and loops.
  Value V, S, C;
  AffineMap vMap, sMap;
  SmallVector<int64_t> ranges;
  SmallVector<unsigned> batchDims, mDims, nDims, kDims;
  int64_t batch = 0, M = 0, N = 0, K = 0;
  std::optional<Linear> sLin, vLin;
  // The inputs' element type (f32, bf16 or f16; C is f32), its bytes, and
  // whether k runs in pairs through AVX512_BF16 dot products (packed
  // operands then hold KP = K rounded up to pairs rows, in pairs).
  Type elem;
  int64_t elemBytes = 4;
  bool dot = false;
  int64_t KP = 0;

  // What the kernel absorbs and where it writes.
  linalg::FillOp fill;
  std::optional<Epilogue> epi;
  Value O;
  Linear oLin;
  SmallVector<std::optional<Linear>> xLin;
  linalg::GenericOp padOp;
  Value unpadded;
  memref::CopyOp resultCopy;

  // Columns computed: rows widened for in-place reads of padded inputs.
  SmallVector<int64_t> nRanges;
  int64_t realN = 0, colStride = 1;

  // Tiles and tasks.
  dlc::cpu::ContractionTiles tiles;
  int64_t L = 0, MR = 0, NR = 0, NV = 0;
  int64_t tilesM = 0, panels = 0, ppt = 0, groups = 0, tpt = 0, mChunks = 0;

  // Compile-time tables, packing and the panels' layout.
  SmallVector<int64_t> vK, vN, sK, sM, oM, oN;
  DenseElementsAttr vConst, sConst;
  bool vPacked = false, sPacked = false;
  SmallVector<SmallVector<int64_t>> xN;
  SmallVector<bool> vDirect, oFull;
  bool anyDirect = false, anyGather = false, allOFull = true, noOFull = true;
  bool mOuter = false;

  /// Fills the plan for `contraction` (with `swapped`, vectors along the
  /// other, constant input); fails when the kernel does not apply. With
  /// `forCost` the IR is left untouched.
  LogicalResult analyze(linalg::LinalgOp contraction, ModuleOp parent,
                        bool swapped, const PlanOptions &options,
                        bool forCost);
  /// The estimated cycles of the planned kernel.
  double cost() const;
  /// Builds the kernel and erases the ops it replaces.
  LogicalResult emit(int id);

  /// The number of iterations of `dims`.
  int64_t size(ArrayRef<unsigned> dims) const;
  /// Whether column `n` (of the widened rows) is an output column.
  bool realColumn(int64_t n) const;
  /// The table of an offset over the (extended) columns: V's element of the
  /// column, or the output element (-1 for the extra columns with
  /// `markExtra`).
  SmallVector<int64_t> nTable(const Linear &l, bool markExtra,
                              bool isV = false) const;
};

} // namespace dlc::cpu_contractions

#endif // DLC_PASSES_CPUTILECONTRACTIONS_PLAN_H
