//===- Plan.cpp - what a contraction kernel will be -----------------------===//
//
// The analysis of one f32 contraction on memrefs: its loops as batch, M, N
// and K, the linear offsets of its operands, the fused zero fill, epilogue,
// zero padding or result copy, the columns computed (rows widened for
// in-place reads of padded inputs), the register tiles from CPUCostModel.h,
// the compile-time offset tables and which panels are read in place,
// packed or gathered. Kernel.cpp builds the kernel from this plan.
//
//===----------------------------------------------------------------------===//

#include "Plan.h"

using namespace mlir;

namespace dlc::cpu_contractions {

int64_t ContractionPlan::size(ArrayRef<unsigned> dims) const {
  int64_t n = 1;
  for (unsigned d : dims)
    n *= ranges[d];
  return n;
}

bool ContractionPlan::realColumn(int64_t n) const {
  int64_t col = n % nRanges[nDims.back()];
  return col % colStride == 0 &&
         col / colStride < ranges[nDims.back()];
}

SmallVector<int64_t> ContractionPlan::nTable(const Linear &l, bool markExtra,
                                             bool isV) const {
  SmallVector<int64_t> t(N);
  SmallVector<int64_t> iv(nDims.size(), 0);
  unsigned last = nDims.size() - 1;
  for (int64_t n = 0; n < N; ++n) {
    int64_t v = 0;
    for (unsigned j = 0; j < last; ++j)
      v += l.coef[nDims[j]] * iv[j];
    int64_t col = iv[last];
    bool real = realColumn(n);
    if (isV && colStride > 1)
      t[n] = v + col; // every element of the input row
    else if (isV)
      t[n] = v + l.coef[nDims[last]] * col;
    else if (!real && markExtra && N != realN)
      t[n] = -1;
    else
      t[n] = v + l.coef[nDims[last]] * (col / colStride);
    for (int j = int(last); j >= 0; --j) {
      if (++iv[j] < nRanges[nDims[j]])
        break;
      iv[j] = 0;
    }
  }
  return t;
}

LogicalResult ContractionPlan::analyze(linalg::LinalgOp contraction,
                                       ModuleOp parent, bool swapped,
                                       const PlanOptions &options,
                                       bool forCost) {
  op = contraction;
  module = parent;
  swap = swapped;
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 || !isMulAdd(op))
    return failure();
  Value in0 = op.getDpsInputs()[0], in1 = op.getDpsInputs()[1];
  C = op.getDpsInits()[0];
  // f32 products, or bf16 / f16 operands with an f32 accumulator.
  for (Value v : {in0, in1, C}) {
    auto t = dyn_cast<MemRefType>(v.getType());
    if (!t || !t.hasStaticShape())
      return failure();
  }
  elem = cast<MemRefType>(in0.getType()).getElementType();
  if (!(elem.isF32() || elem.isBF16() || elem.isF16()) ||
      cast<MemRefType>(in1.getType()).getElementType() != elem ||
      !cast<MemRefType>(C.getType()).getElementType().isF32())
    return failure();
  elemBytes = elem.getIntOrFloatBitWidth() / 8;
  dot = options.bf16Dot && elem.isBF16();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic) ||
      !maps[2].isProjectedPermutation() || maps[2].getNumResults() == 0)
    return failure();
  // V: the input using C's innermost loop.
  unsigned inner = cast<AffineDimExpr>(maps[2].getResults().back()).getPosition();
  bool v0 = maps[0].isFunctionOfDim(inner), v1 = maps[1].isFunctionOfDim(inner);
  if (v0 == v1)
    return failure();
  unsigned vi = (v0 ? 0 : 1) ^ (swap ? 1 : 0), si = 1 - vi;
  V = vi == 0 ? in0 : in1;
  S = vi == 0 ? in1 : in0;
  if (swap && !constantValue(V, module))
    return failure();
  vMap = maps[vi];
  sMap = maps[si];
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  SmallVector<unsigned> loopsOfC;
  for (AffineExpr r : maps[2].getResults())
    loopsOfC.push_back(cast<AffineDimExpr>(r).getPosition());
  // M and N loops in C's order (N then is contiguous in C), K in loop order.
  for (unsigned d : loopsOfC) {
    bool inS = sMap.isFunctionOfDim(d), inV = vMap.isFunctionOfDim(d);
    if (inS && inV)
      batchDims.push_back(d);
    else if (inS)
      mDims.push_back(d);
    else if (inV)
      nDims.push_back(d);
    else if (ranges[d] != 1)
      return failure();
  }
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
    if (llvm::is_contained(loopsOfC, d))
      continue;
    if (iters[d] != utils::IteratorType::reduction)
      return failure();
    kDims.push_back(d);
  }
  if (nDims.empty() || kDims.empty())
    return failure();
  batch = size(batchDims);
  M = size(mDims);
  N = size(nDims);
  K = size(kDims);
  KP = dot ? llvm::alignTo(K, 2) : K;
  // Offsets; loops of one iteration contribute nothing.
  auto offsetOf = [&](AffineMap map, Value v) -> std::optional<Linear> {
    auto l = linearOffset(map, cast<MemRefType>(v.getType()));
    if (l)
      for (auto [d, r] : llvm::enumerate(ranges))
        if (r == 1)
          l->coef[d] = 0;
    return l;
  };
  sLin = offsetOf(sMap, S);
  vLin = offsetOf(vMap, V);
  auto cLin = offsetOf(maps[2], C);
  // The index tables hold 32-bit offsets.
  auto fitsTables = [](Value v) {
    return extent(cast<MemRefType>(v.getType())) < (int64_t(1) << 31);
  };
  if (!sLin || !vLin || !cLin || !fitsTables(S) || !fitsTables(V) ||
      !fitsTables(C))
    return failure();

  // The zero fill of C just before (nothing between touches C).
  for (Operation *p = op->getPrevNode(); p; p = p->getPrevNode()) {
    auto f = dyn_cast<linalg::FillOp>(p);
    if (f && f.getOutputs()[0] == C) {
      auto cst = f.getInputs()[0].getDefiningOp<arith::ConstantOp>();
      auto fv = cst ? dyn_cast<FloatAttr>(cst.getValue()) : nullptr;
      if (fv && fv.getValue().isZero())
        fill = f;
      break;
    }
    if (llvm::is_contained(p->getOperands(), C) || !harmless(p))
      break;
  }
  if (!fill)
    return failure();

  // The output: the epilogue's, else C.
  if (options.fuseEpilogues)
    epi = findEpilogue(op, C, loopsOfC);
  O = C;
  oLin = *cLin;
  if (epi) {
    O = epi->op.getDpsInits()[0];
    SmallVector<AffineMap> emaps = epi->op.getIndexingMapsArray();
    auto ol = offsetOf(emaps.back().compose(epi->loopsToOut), O);
    bool ok = ol.has_value() && fitsTables(O);
    if (ok)
      oLin = *ol;
    for (auto [i, in] : llvm::enumerate(epi->op.getDpsInputs())) {
      if (i == epi->cInput || !ok) {
        xLin.push_back(std::nullopt);
        continue;
      }
      // Any linear input: read as a vector where its columns are
      // contiguous as the output's are, else per element.
      auto xl = offsetOf(emaps[i].compose(epi->loopsToOut), in);
      ok = xl.has_value() && fitsTables(in);
      xLin.push_back(xl);
    }
    if (!ok) {
      epi.reset();
      O = C;
      oLin = *cLin;
      xLin.clear();
    }
  }

  // A zero padding that reads the output (the generic marked dlc.pad_low
  // / dlc.pad_high by the graph lowering): the kernel writes straight into
  // the padded buffer, with offsets shifted by the low pads, and zeroes
  // its border; the padding kernel and the unpadded buffer disappear.
  Operation *insertAt = epi ? epi->op.getOperation() : op.getOperation();
  if (options.fuseEpilogues && O.getDefiningOp<memref::AllocOp>()) {
    bool ok = true;
    for (Operation *u : O.getUsers()) {
      if (isa<memref::DeallocOp>(u) || u == op.getOperation() ||
          u == fill.getOperation() || (epi && u == epi->op.getOperation()))
        continue;
      auto load = dyn_cast<memref::LoadOp>(u);
      auto g = load ? load->getParentOfType<linalg::GenericOp>() : nullptr;
      if (!g || !g->hasAttr("dlc.pad_low") || (padOp && padOp != g)) {
        ok = false;
        break;
      }
      padOp = g;
    }
    Value P = padOp ? padOp.getDpsInits()[0] : Value();
    auto pt = P ? dyn_cast<MemRefType>(P.getType()) : nullptr;
    auto low = padOp ? padOp->getAttrOfType<DenseI64ArrayAttr>("dlc.pad_low")
                     : nullptr;
    ok = ok && padOp && pt && pt.hasStaticShape() &&
         pt.getLayout().isIdentity() && fitsTables(P) && pt.getRank() == 4 &&
         low &&
         low.size() == 4 && padOp->getBlock() == op->getBlock() &&
         insertAt->isBeforeInBlock(padOp);
    for (Operation *q = ok ? insertAt->getNextNode() : nullptr;
         q && q != padOp.getOperation(); q = q->getNextNode())
      if (!harmless(q) && conflicts(q, {}, {P}))
        ok = false;
    AffineMap oMap =
        epi ? epi->op.getIndexingMapsArray().back().compose(epi->loopsToOut)
            : maps[2];
    std::optional<Linear> pl;
    if (ok && oMap.getNumResults() == 4) {
      SmallVector<AffineExpr> shifted;
      for (auto [r, e] : llvm::enumerate(oMap.getResults()))
        shifted.push_back(e + low[r]);
      pl = offsetOf(AffineMap::get(oMap.getNumDims(), 0, shifted,
                                   op->getContext()),
                    P);
    }
    if (ok && pl) {
      unpadded = O;
      O = P;
      oLin = *pl;
      if (Operation *a = P.getDefiningOp())
        if (!forCost && isa<memref::AllocOp>(a) && insertAt->isBeforeInBlock(a))
          a->moveBefore(insertAt);
    } else {
      padOp = nullptr;
    }
  }
  // An output only copied into a model result: written there directly.
  if (!padOp && O.getDefiningOp<memref::AllocOp>()) {
    for (Operation *u : O.getUsers()) {
      if (isa<memref::DeallocOp>(u) || u == op.getOperation() ||
          u == fill.getOperation() || (epi && u == epi->op.getOperation()))
        continue;
      auto copy = dyn_cast<memref::CopyOp>(u);
      if (!copy || resultCopy || copy.getSource() != O ||
          !isa<BlockArgument>(copy.getTarget()) ||
          copy.getTarget().getType() != O.getType() ||
          copy->getBlock() != op->getBlock() ||
          !insertAt->isBeforeInBlock(copy)) {
        resultCopy = nullptr;
        break;
      }
      resultCopy = copy;
    }
    for (Operation *q = resultCopy ? insertAt->getNextNode() : nullptr;
         q && q != resultCopy.getOperation(); q = q->getNextNode())
      if (!harmless(q) && conflicts(q, {}, {resultCopy.getTarget()}))
        resultCopy = nullptr;
    if (resultCopy) {
      unpadded = O;
      O = resultCopy.getTarget();
    }
  }

  // Windows over a padded input (convolutions): the innermost N loop runs
  // over every element of the input row (the output row plus the window
  // overhang, and with a stride s the elements between the strided ones),
  // so that consecutive columns are consecutive in V, across rows too, and
  // every panel reads V in place; the extra columns are computed and never
  // stored. With a stride only short reductions (depthwise convolutions,
  // where gathering costs more than the computation) use it.
  nRanges.assign(ranges.begin(), ranges.end());
  realN = N;
  colStride = 1;
  {
    unsigned inner = nDims.back();
    int64_t stride = vLin->coef[inner];
    if (nDims.size() >= 2 && stride >= 1 &&
        llvm::all_of(vLin->coef, [](int64_t c) { return c >= 0; })) {
      unsigned outer = nDims[nDims.size() - 2];
      int64_t pitch = vLin->coef[outer];
      int64_t span = (ranges[inner] - 1) * stride + 1;
      if (stride == 1 && ranges[outer] > 1 && pitch > ranges[inner] &&
          4 * (pitch - ranges[inner]) <= pitch) {
        nRanges[inner] = pitch;
      } else if (stride > 1 && ranges[outer] > 1 && pitch >= span &&
                 K <= 64 && 5 * ranges[inner] >= 2 * int64_t(llvm::alignTo(span, 32))) {
        // Strided rows: each output row takes whole panels (the row
        // length is rounded up to the panel width below), so that no
        // panel crosses rows.
        nRanges[inner] = llvm::alignTo(span, 32);
        colStride = stride;
      }
    }
    N = 1;
    for (unsigned d : nDims)
      N *= nRanges[d];
  }
  dlc::cpu::CPUTargetInfo target;
  target.vectorBits = options.vectorBits;
  target.registers = options.vectorRegisters;
  tiles = dlc::cpu::chooseContractionTiles(
      target, batch, M, N, K,
      /*sInPlace=*/!(constantValue(S, module) &&
                     llvm::all_of(batchDims, [&](unsigned d) {
                       return sLin->coef[d] == 0;
                     })));
  L = tiles.lanes;
  MR = tiles.mr;
  NR = tiles.nr;
  NV = NR / L;
  if (colStride > 1 && nRanges[nDims.back()] % NR != 0) {
    unsigned inner = nDims.back();
    int64_t span = (ranges[inner] - 1) * colStride + 1;
    N = N / nRanges[inner] * int64_t(llvm::alignTo(span, NR));
    nRanges[inner] = llvm::alignTo(span, NR);
  }
  tilesM = (M + MR - 1) / MR;
  panels = (N + NR - 1) / NR;
  ppt = tiles.panelsPerTask;
  groups = (panels + ppt - 1) / ppt;
  tpt = tiles.tilesPerTask;
  // Loop order of a task: panels outside (each V panel reused by all row
  // tiles) unless S does not fit in L2 while the task's V panels and one
  // row tile of S do; never with gathered panels.
  const int64_t sBytes = elemBytes * M * K, sTileBytes = elemBytes * MR * K,
                panelBytes = elemBytes * K * NR;
  mChunks = (tilesM + tpt - 1) / tpt;

  // Compile-time tables and packed constants.
  vK = table(*vLin, kDims, ranges);
  vN = nTable(*vLin, false, /*isV=*/true);
  sK = table(*sLin, kDims, ranges);
  sM = table(*sLin, mDims, ranges);
  oM = table(oLin, mDims, ranges);
  oN = nTable(oLin, true);
  auto noBatch = [&](const Linear &l) {
    return llvm::all_of(batchDims, [&](unsigned d) { return l.coef[d] == 0; });
  };
  vConst = constantValue(V, module);
  sConst = constantValue(S, module);
  vPacked = vConst && noBatch(*vLin);
  sPacked = sConst && noBatch(*sLin);
  // Epilogue inputs read along N: their columns must be contiguous where
  // the output's are for the vector stores.
  if (epi)
    for (const std::optional<Linear> &x : xLin)
      if (x && !allN(*x, nDims, 0))
        xN.push_back(nTable(*x, true));
  // The largest batch and K parts of V's offsets (a panel read in place
  // must stay inside V).
  int64_t vBatchMax = 0, vKMax = 0;
  for (unsigned d : batchDims)
    vBatchMax += vLin->coef[d] * (ranges[d] - 1);
  for (int64_t v : vK)
    vKMax = std::max(vKMax, v);
  vDirect.assign(panels, false);
  oFull.assign(panels, false);
  anyDirect = false;
  anyGather = false;
  allOFull = true;
  noOFull = true;
  for (int64_t p = 0; p < panels; ++p) {
    vDirect[p] = !vPacked && contiguousPanel(vN, p, NR) &&
                 vLin->cst + vBatchMax + vKMax + vN[p * NR + NR - 1] <
                     extent(cast<MemRefType>(V.getType()));
    oFull[p] = contiguousPanel(oN, p, NR) &&
               llvm::all_of(xN, [&](ArrayRef<int64_t> t) {
                 return contiguousPanel(t, p, NR);
               });
    anyDirect |= vDirect[p];
    anyGather |= !vPacked && !vDirect[p];
    allOFull &= oFull[p];
    noOFull &= !oFull[p];
  }
  mOuter = !anyGather && sBytes > target.l2Bytes / 2 &&
                      ppt > 1 &&
                      ppt * panelBytes + sTileBytes <= target.l2Bytes * 3 / 4;

  return success();
}

double ContractionPlan::cost() const {
  int64_t gathered = llvm::count(vDirect, false) - (vPacked ? panels : 0);
  int64_t edges = llvm::count(oFull, false);
  return tiles.cycles + double(gathered * K * NR * mChunks) * 1.5 +
         double(edges * tilesM * MR * NR) * 4.0;
}

} // namespace dlc::cpu_contractions
