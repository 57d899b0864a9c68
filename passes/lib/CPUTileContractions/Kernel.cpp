//===- Kernel.cpp - builds the CPU kernel of a contraction plan -----------===//
//
// The kernel of a ContractionPlan: a parallel loop over tasks, per panel V
// read in place, packed or gathered, per row tile the register-tiled
// accumulators, the epilogue applied to the registers and the stores; the
// replaced ops and dead buffers are erased.
//
//===----------------------------------------------------------------------===//

#include "Plan.h"
#include "mlir/IR/IRMapping.h"
#include <cstring>

using namespace mlir;

namespace dlc::cpu_contractions {
namespace {


/// An operand of the kernel as a flat memref and its linear offset.
struct Access {
  Value mem;       // the original memref
  MemRefType type; // its type
  Linear lin;      // element offset in the contraction's loops
};

struct Kernel {
  ModuleOp module;
  OpBuilder &b;
  Location loc;
  std::string prefix;
  int counter = 0;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) { return y == 1 ? x : mul(x, idx(y)); }
  Value lt(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, idx(y));
  }

  /// A constant global holding `value`, read in the current block; packed
  /// weights are named as the other weights (`__constant_...`), tables
  /// are not weights.
  Value global(DenseElementsAttr value, bool isWeight = false) {
    auto tensor = cast<RankedTensorType>(value.getType());
    auto type = MemRefType::get(tensor.getShape(), tensor.getElementType());
    std::string name = (isWeight ? "__constant_" : "__table_") + prefix +
                       "_" + std::to_string(counter++);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(module.getBody());
      auto global = memref::GlobalOp::create(b, loc, name,
                                        b.getStringAttr("private"), type,
                                        value, /*constant=*/true,
                                        b.getI64IntegerAttr(64));
      if (!isWeight)
        global->setAttr("dlc.table", b.getUnitAttr());
    }
    return memref::GetGlobalOp::create(b, loc, type, name);
  }
  Value intTable(ArrayRef<int64_t> values) {
    SmallVector<int32_t> v(values.begin(), values.end());
    auto type = RankedTensorType::get({int64_t(v.size())}, b.getI32Type());
    return global(DenseElementsAttr::get(type, ArrayRef<int32_t>(v)));
  }
  /// table[i] compared with 0 (`ne`: a flag set; `sge`: a real column).
  Value test(Value table, Value i,
             arith::CmpIPredicate pred = arith::CmpIPredicate::ne) {
    return arith::CmpIOp::create(
        b, loc, pred, memref::LoadOp::create(b, loc, table, ValueRange{i}),
        arith::ConstantIntOp::create(b, loc, 0, 32));
  }
  Value lookup(Value table, Value i) {
    Value v = memref::LoadOp::create(b, loc, table, ValueRange{i});
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }
  /// `v` as a 1-D memref over its whole extent, from its base.
  Value flat(Value v) {
    auto t = cast<MemRefType>(v.getType());
    auto type = MemRefType::get({extent(t)}, t.getElementType());
    return memref::ReinterpretCastOp::create(b, loc, type, v, 0,
                                             ArrayRef<int64_t>{extent(t)},
                                             ArrayRef<int64_t>{1});
  }
  /// for (iv = lb; iv < ub; ++iv) body(iv)
  void loop(Value lb, Value ub, function_ref<void(Value)> body) {
    auto f = scf::ForOp::create(b, loc, lb, ub, idx(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(f.getBody()->getTerminator());
    body(f.getInductionVar());
  }
};

/// Clones the epilogue's payload on `args` (one value per input; the C
/// input is the accumulator), as vectors of `lanes` when any is a vector.
Value applyPayload(OpBuilder &b, Location loc, linalg::GenericOp op,
                   ArrayRef<Value> args) {
  Block &body = op.getRegion().front();
  IRMapping map;
  for (auto [arg, v] : llvm::zip(body.getArguments(), args))
    map.map(arg, v);
  for (Operation &p : body.without_terminator()) {
    VectorType vt;
    for (Value o : p.getOperands())
      if (auto t = dyn_cast<VectorType>(map.lookupOrDefault(o).getType()))
        vt = t;
    SmallVector<std::pair<Value, Value>> restore;
    if (vt)
      for (Value o : p.getOperands()) {
        Value m = map.lookupOrDefault(o);
        if (isa<VectorType>(m.getType()))
          continue;
        Value bc = vector::BroadcastOp::create(
            b, loc, VectorType::get(vt.getShape(), m.getType()), m);
        restore.push_back({o, m});
        map.map(o, bc);
      }
    Operation *c = b.clone(p, map);
    if (vt)
      for (OpResult r : c->getResults())
        r.setType(VectorType::get(vt.getShape(), r.getType()));
    for (auto [o, m] : restore)
      map.map(o, m);
  }
  return map.lookupOrDefault(body.getTerminator()->getOperand(0));
}

} // namespace

LogicalResult ContractionPlan::emit(int id) {
  OpBuilder b(epi ? epi->op.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  Kernel k{module, b, loc, "dlc_k" + std::to_string(id)};
  Type f32 = b.getF32Type();
  auto vecType = VectorType::get({L}, f32);
  // Vectors of the inputs' type, and (dot) of k pairs: lane n holds the
  // elements of k and k + 1.
  auto eVec = VectorType::get({L}, elem);
  auto pairVec = VectorType::get({2 * L}, elem);

  auto par = scf::ParallelOp::create(b, loc, ValueRange{k.idx(0)},
                                     ValueRange{k.idx(batch * groups * mChunks)},
                                     ValueRange{k.idx(1)});
  // What dlc --explain and dlc-run --profile say of this kernel.
  {
    auto isWindow = [](AffineExpr e) {
      return !isa<AffineDimExpr, AffineConstantExpr>(e);
    };
    bool window = llvm::any_of(vMap.getResults(), isWindow) ||
                  llvm::any_of(sMap.getResults(), isWindow);
    std::string kind = !window ? "contraction"
                       : (swap ? N : M) == 1 ? "depthwise convolution"
                                : "convolution";
    int64_t direct = llvm::count(vDirect, true);
    std::string strategy;
    llvm::raw_string_ostream os(strategy);
    if (swap)
      os << "vectors along the weights; ";
    os << "register tile " << MR << "x" << NR << " (" << MR * NV
       << " vector accumulators), M=" << M << " N=" << N << " K=" << K;
    if (batch > 1)
      os << " batch=" << batch;
    os << "; " << (sPacked ? "S packed at compile time" : "S read in place");
    if (vPacked)
      os << ", V packed at compile time";
    else
      os << ", V panels " << direct << " in place / " << panels - direct
         << " gathered";
    if (N != realN)
      os << " (rows computed " << nRanges[nDims.back()] << " wide"
         << (colStride > 1 ? " at stride 1" : "") << " for in-place reads)";
    os << "; " << batch * groups * mChunks << " tasks of " << ppt
       << " panels x " << tpt << " row tiles"
       << (mOuter ? " (row tiles outside)" : "");
    if (dot)
      os << "; bf16 dot products of k pairs (AVX512_BF16)";
    else if (!elem.isF32())
      os << "; " << (elem.isBF16() ? "bf16" : "f16")
         << " operands widened to f32 in registers";
    if (epi)
      os << "; epilogue fused";
    if (padOp)
      os << "; zero padding fused (writes the padded buffer)";
    int64_t bytes = elemBytes * (size(mDims) * K + K * N) * batch;
    bytes += extent(cast<MemRefType>(O.getType())) *
             std::max<int64_t>(1, cast<MemRefType>(O.getType())
                                          .getElementType()
                                          .getIntOrFloatBitWidth() / 8);
    par->setAttr("dlc.kind", b.getStringAttr(kind));
    if (!elem.isF32()) // (what --explain shows as the kernel's precision)
      par->setAttr("dlc.precision",
                   b.getStringAttr(elem.isBF16() ? "bf16" : "fp16"));
    par->setAttr("dlc.strategy", b.getStringAttr(strategy));
    par->setAttr("dlc.flops", b.getI64IntegerAttr(2 * batch * M * realN * K));
    par->setAttr("dlc.bytes", b.getI64IntegerAttr(bytes));
    par->setAttr("dlc.tiles", b.getDenseI64ArrayAttr({MR, NR, ppt, tpt}));
    SmallVector<Location> locs{op.getLoc()};
    if (epi)
      locs.push_back(epi->op.getLoc());
    if (padOp)
      locs.push_back(padOp.getLoc());
    par->setLoc(b.getFusedLoc(locs));
  }
  b.setInsertionPoint(par.getBody()->getTerminator());
  Value task = par.getInductionVars()[0];
  // The padded output's border, zeroed by the first task (the others write
  // only its interior).
  if (padOp) {
    auto pt = cast<MemRefType>(O.getType());
    ArrayRef<int64_t> low =
        padOp->getAttrOfType<DenseI64ArrayAttr>("dlc.pad_low").asArrayRef();
    ArrayRef<int64_t> high =
        padOp->getAttrOfType<DenseI64ArrayAttr>("dlc.pad_high").asArrayRef();
    int64_t planes = pt.getDimSize(0) * pt.getDimSize(1),
            H = pt.getDimSize(2), W = pt.getDimSize(3);
    auto once = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, task,
                              k.idx(0)),
        false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(once.thenBlock()->getTerminator());
    Value pFlat = k.flat(O);
    Value zero = arith::ConstantOp::create(
        b, loc, b.getZeroAttr(pt.getElementType()));
    auto zeroRange = [&](Value row, Value from, Value to) {
      k.loop(from, to, [&](Value w) {
        memref::StoreOp::create(b, loc, zero, pFlat, ValueRange{k.add(row, w)});
      });
    };
    k.loop(k.idx(0), k.idx(planes * H), [&](Value r) {
      Value h = arith::RemUIOp::create(b, loc, r, k.idx(H));
      Value row = k.mul(r, W);
      Value top = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, h,
                                        k.idx(low[2]));
      Value bottom = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                           h, k.idx(H - high[2]));
      auto whole = scf::IfOp::create(
          b, loc, arith::OrIOp::create(b, loc, top, bottom), true);
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPoint(whole.thenBlock()->getTerminator());
      zeroRange(row, k.idx(0), k.idx(W));
      b.setInsertionPoint(whole.elseBlock()->getTerminator());
      zeroRange(row, k.idx(0), k.idx(low[3]));
      zeroRange(row, k.idx(W - high[3]), k.idx(W));
    });
  }
  Value mChunk = arith::RemUIOp::create(b, loc, task, k.idx(mChunks));
  Value rest = arith::DivUIOp::create(b, loc, task, k.idx(mChunks));
  Value bIdx = arith::DivUIOp::create(b, loc, rest, k.idx(groups));
  Value group = arith::RemUIOp::create(b, loc, rest, k.idx(groups));
  Value mtBegin = k.mul(mChunk, tpt);
  Value mtEnd = arith::MinSIOp::create(b, loc, k.add(mtBegin, k.idx(tpt)),
                                       k.idx(tilesM));
  // Batch offsets of each operand.
  SmallVector<Value> bIvs(op.getNumLoops());
  {
    Value left = bIdx;
    for (int i = int(batchDims.size()) - 1; i >= 0; --i) {
      int64_t n = ranges[batchDims[i]];
      bIvs[batchDims[i]] =
          i > 0 ? arith::RemUIOp::create(b, loc, left, k.idx(n)) : left;
      if (i > 0)
        left = arith::DivUIOp::create(b, loc, left, k.idx(n));
    }
  }
  auto batchOffset = [&](const Linear &l) {
    Value v = k.idx(l.cst);
    for (unsigned d : batchDims)
      if (l.coef[d] != 0)
        v = k.add(v, k.mul(bIvs[d], l.coef[d]));
    return v;
  };

  // Flat operands and tables.
  auto dynE = MemRefType::get({ShapedType::kDynamic}, elem);
  Value vFlat, vPack;
  // A constant operand as [tiles][K][width], zero beyond `count` rows;
  // with dot products as [tiles][KP/2][width][2] (k pairs, zero beyond K).
  // The elements are copied as raw bytes (the attribute's storage).
  auto pack = [&](DenseElementsAttr value, const Linear &lin,
                  ArrayRef<int64_t> kPart, ArrayRef<int64_t> rowPart,
                  int64_t count, int64_t width) {
    int64_t numTiles = (count + width - 1) / width;
    std::vector<char> packed(numTiles * KP * width * elemBytes, 0);
    ArrayRef<char> raw = value.getRawData();
    bool splat = value.isSplat();
    for (int64_t t = 0; t < numTiles; ++t)
      for (int64_t kk = 0; kk < K; ++kk)
        for (int64_t j = 0; j < width && t * width + j < count; ++j) {
          int64_t from = splat ? 0
                               : lin.cst + kPart[kk] + rowPart[t * width + j];
          int64_t to = dot ? ((t * KP / 2 + kk / 2) * width + j) * 2 + kk % 2
                           : (t * K + kk) * width + j;
          std::memcpy(&packed[to * elemBytes], &raw[from * elemBytes],
                      elemBytes);
        }
    auto type = RankedTensorType::get(
        {int64_t(packed.size()) / elemBytes}, elem);
    return k.global(DenseElementsAttr::getFromRawBuffer(type, packed),
                    /*isWeight=*/true);
  };
  if (vPacked) {
    vPack = pack(vConst, *vLin, vK, vN, N, NR);
  } else {
    vFlat = k.flat(V);
  }
  Value sFlat;
  if (sPacked) {
    sFlat = pack(sConst, *sLin, sK, sM, M, MR);
  } else {
    sFlat = k.flat(S);
  }
  Value oFlat = k.flat(O);
  Value vB = vPacked ? Value() : batchOffset(*vLin);
  Value sB = sPacked ? Value() : batchOffset(*sLin);
  Value oB = batchOffset(oLin);
  // V rows: a stride when vK is linear, else a table (vK for panels read in
  // place, k * NR for gathered ones).
  std::optional<int64_t> vStride = linearStride(vK);
  Value vKTable, kNRTable, vNTable, vValidTable;
  if (!vPacked) {
    // Padded to whole panels for the gathers' vector loads (masked off).
    SmallVector<int64_t> padded(vN), valid(panels * NR, 0);
    padded.resize(panels * NR, 0);
    for (int64_t n = 0; n < N; ++n)
      valid[n] = realColumn(n);
    vNTable = k.intTable(padded);
    if (anyGather && elem.isF32()) // (16-bit gathers are unmasked)
      vValidTable = k.intTable(valid);
    if (!vStride) {
      vKTable = k.intTable(vK);
      SmallVector<int64_t> knr(K);
      for (int64_t kk = 0; kk < K; ++kk)
        knr[kk] = kk * NR;
      kNRTable = k.intTable(knr);
    }
  }
  std::optional<int64_t> sStride = sPacked ? std::optional<int64_t>(MR)
                                           : linearStride(sK);
  // (With dot products a packed S is read a pair of rows at a time.)
  Value sKTable = sStride ? Value() : k.intTable(sK);
  Value sMTable = sPacked ? Value() : k.intTable(sM);
  Value oMTable = k.intTable(oM), oNTable = k.intTable(oN);
  Value vDirectTable, oFullTable;
  if (anyDirect && anyGather) {
    SmallVector<int64_t> t(vDirect.begin(), vDirect.end());
    vDirectTable = k.intTable(t);
  }
  if (!allOFull && !noOFull) {
    SmallVector<int64_t> t(oFull.begin(), oFull.end());
    oFullTable = k.intTable(t);
  }
  // Vectors of partial panels that are whole (contiguous, real columns)
  // in the output and in every epilogue input read along N.
  SmallVector<int64_t> vectorOK(panels * NV, 0);
  bool anyVectorOK = false;
  for (int64_t v = 0; v < panels * NV; ++v) {
    vectorOK[v] = contiguousPanel(oN, v, L) &&
                  llvm::all_of(xN, [&](ArrayRef<int64_t> t) {
                    return contiguousPanel(t, v, L);
                  });
    anyVectorOK |= vectorOK[v] != 0;
  }
  Value vectorOKTable = anyVectorOK && !allOFull ? k.intTable(vectorOK)
                                                 : Value();
  // Epilogue inputs.
  struct XIn {
    Value flat, mTable, nTable, batch;
    bool alongN = false;
  };
  SmallVector<XIn> xs;
  if (epi)
    for (auto [i, in] : llvm::enumerate(epi->op.getDpsInputs())) {
      XIn x;
      if (i != epi->cInput) {
        x.flat = k.flat(in);
        x.mTable = k.intTable(table(*xLin[i], mDims, ranges));
        x.alongN = !allN(*xLin[i], nDims, 0);
        if (x.alongN)
          x.nTable = k.intTable(nTable(*xLin[i], true));
        x.batch = batchOffset(*xLin[i]);
      }
      xs.push_back(x);
    }

  // Per-task buffers on the heap (dlc-outline-parallel allocates them once
  // per call of the outlined loop): the gathered panel and the tile of the
  // lane-by-lane stores.
  Value scratch, tile;
  if (anyGather)
    scratch = memref::AllocOp::create(
        b, loc, MemRefType::get({K * NR}, elem), b.getI64IntegerAttr(64));
  if (!allOFull)
    tile = memref::AllocOp::create(b, loc, MemRefType::get({MR * NR}, f32),
                                   b.getI64IntegerAttr(64));
  for (Value v : {scratch, tile})
    if (v)
      v.getDefiningOp()->setAttr("dlc.task_scratch", b.getUnitAttr());
  Value zeroV = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(
                                                      vecType, 0.0f));
  Value zeroE = elem.isF32() ? zeroV
                             : arith::ConstantOp::create(
                                   b, loc, cast<TypedAttr>(b.getZeroAttr(eVec)))
                                   .getResult();

  Value pBegin = k.mul(group, ppt);
  Value pEnd = arith::MinSIOp::create(b, loc, k.add(pBegin, k.idx(ppt)),
                                      k.idx(panels));
  // One panel p: V set up (read in place, packed, or gathered), then the
  // row tiles `overTiles` runs.
  auto panel = [&](Value p,
                   function_ref<void(function_ref<void(Value)>)> overTiles) {
    Value n0 = k.mul(p, NR);
    // Gathers panel p of V into the scratch buffer.
    // One vector gather per `lanes` columns and k (the column offsets and
    // the mask of columns inside N are loaded once per panel).
    auto gather = [&]() {
      auto i32 = b.getI32Type();
      auto idxType = VectorType::get({L}, i32);
      Value zeroI = arith::ConstantOp::create(
          b, loc, cast<TypedAttr>(DenseElementsAttr::get(idxType, int32_t(0))));
      SmallVector<Value> cols, masks;
      for (int64_t j = 0; j < NV; ++j) {
        Value c0 = k.add(n0, k.idx(j * L));
        cols.push_back(vector::LoadOp::create(b, loc, idxType, vNTable,
                                              ValueRange{c0}));
        // 16-bit elements are gathered unmasked: a masked gather of bf16
        // needs a bf16 select, which LLVM lowers through __truncsfbf2 on
        // CPUs without AVX512_BF16. The offsets of the columns beyond N
        // are 0 (in bounds); those lanes are computed and never stored.
        if (elem.isF32())
          masks.push_back(arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ne,
              vector::LoadOp::create(b, loc, idxType, vValidTable,
                                     ValueRange{c0}),
              zeroI));
        else
          masks.push_back(arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(
                          VectorType::get({L}, b.getI1Type()), true)));
      }
      k.loop(k.idx(0), k.idx(K), [&](Value kk) {
        Value rowOff = k.add(vB, vStride ? k.mul(kk, *vStride)
                                         : k.lookup(vKTable, kk));
        for (int64_t j = 0; j < NV; ++j) {
          Value v = vector::GatherOp::create(b, loc, eVec, vFlat,
                                             ValueRange{rowOff}, cols[j],
                                             masks[j], zeroE);
          vector::StoreOp::create(b, loc, v, scratch,
                                  ValueRange{k.add(k.mul(kk, NR),
                                                   k.idx(j * L))});
        }
      });
    };
    // (memref, row base, stride or table) of V's panel.
    Value vMem, vRow, vStep, vTab;
    auto castDyn = [&](Value m) {
      return memref::CastOp::create(b, loc, dynE, m).getResult();
    };
    if (vPacked) {
      vMem = vPack;
      vRow = k.mul(p, KP * NR);
      vStep = k.idx(NR);
    } else if (!anyGather || !anyDirect) {
      if (anyGather) {
        gather();
        vMem = scratch;
        vRow = k.idx(0);
        if (vStride)
          vStep = k.idx(NR);
        else
          vTab = kNRTable;
      } else {
        vMem = vFlat;
        vRow = k.add(vB, k.lookup(vNTable, n0));
        if (vStride)
          vStep = k.idx(*vStride);
        else
          vTab = vKTable;
      }
    } else {
      Value direct = k.test(vDirectTable, p);
      Type third = vStride ? (Type)b.getIndexType()
                           : (Type)MemRefType::get({K}, b.getI32Type());
      auto sel = scf::IfOp::create(
          b, loc, TypeRange{dynE, b.getIndexType(), third}, direct, true);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(sel.thenBlock());
        Value row = k.add(vB, k.lookup(vNTable, n0));
        scf::YieldOp::create(
            b, loc,
            ValueRange{castDyn(vFlat), row,
                       vStride ? k.idx(*vStride) : vKTable});
        b.setInsertionPointToStart(sel.elseBlock());
        gather();
        scf::YieldOp::create(
            b, loc,
            ValueRange{castDyn(scratch), k.idx(0),
                       vStride ? k.idx(NR) : kNRTable});
      }
      vMem = sel.getResult(0);
      vRow = sel.getResult(1);
      (vStride ? vStep : vTab) = sel.getResult(2);
    }

    overTiles([&](Value mt) {
      Value m0 = k.mul(mt, MR);
      SmallVector<Value> sRow(MR);
      for (int64_t i = 0; i < MR; ++i) {
        if (sPacked) {
          sRow[i] = k.add(k.mul(mt, KP * MR), k.idx(dot ? 2 * i : i));
        } else {
          Value m = arith::MinSIOp::create(b, loc, k.add(m0, k.idx(i)),
                                           k.idx(M - 1));
          sRow[i] = k.add(sB, k.lookup(sMTable, m));
        }
      }
      SmallVector<Value> init(MR * NV, zeroV);
      // Row k of V's panel, and S's element k of row tile row i.
      auto vRowAt = [&](Value kk) {
        return k.add(vRow, vTab ? k.lookup(vTab, kk) : k.mul(kk, vStep));
      };
      auto sAt = [&](int64_t i, Value kk) {
        Value sk = sStride ? k.mul(kk, *sStride) : k.lookup(sKTable, kk);
        return k.add(sRow[i], sk);
      };
      // One k step: NV vector loads of V (widened when 16-bit), MR
      // broadcasts of S, MR * NV FMAs.
      auto fmaStep = [&](Value kk, SmallVector<Value> acc) {
        Value r = vRowAt(kk);
        SmallVector<Value> bv;
        for (int64_t j = 0; j < NV; ++j) {
          Value v = vector::LoadOp::create(b, loc, eVec, vMem,
                                           ValueRange{k.add(r, k.idx(j * L))});
          bv.push_back(elem.isF32() ? v
                                    : arith::ExtFOp::create(b, loc, vecType, v)
                                          .getResult());
        }
        for (int64_t i = 0; i < MR; ++i) {
          Value s = memref::LoadOp::create(b, loc, sFlat,
                                           ValueRange{sAt(i, kk)});
          if (!elem.isF32())
            s = arith::ExtFOp::create(b, loc, f32, s);
          Value a = vector::BroadcastOp::create(b, loc, vecType, s);
          for (int64_t j = 0; j < NV; ++j)
            acc[i * NV + j] = vector::FMAOp::create(b, loc, a, bv[j],
                                                    acc[i * NV + j]);
        }
        return acc;
      };
      // One step over the k pair (2 kp, 2 kp + 1), the second zero in the
      // `tail` step of an odd K: NV pair vectors of V (packed as pairs, or
      // rows 2 kp and 2 kp + 1 interleaved), per row of the tile S's pair
      // broadcast as one 32-bit value, MR * NV dot products.
      auto dotStep = [&](Value kp, bool tail, SmallVector<Value> acc) {
        Value k0 = k.mul(kp, 2), k1 = k.add(k0, k.idx(1));
        SmallVector<Value> pv;
        SmallVector<int64_t> interleave;
        for (int64_t l = 0; l < L; ++l)
          interleave.append({l, L + l});
        Value r0 = vPacked ? k.add(vRow, k.mul(kp, 2 * NR)) : vRowAt(k0);
        Value r1 = vPacked || tail ? Value() : vRowAt(k1);
        for (int64_t j = 0; j < NV; ++j) {
          if (vPacked) {
            pv.push_back(vector::LoadOp::create(
                b, loc, pairVec, vMem, ValueRange{k.add(r0, k.idx(j * 2 * L))}));
            continue;
          }
          Value lo = vector::LoadOp::create(b, loc, eVec, vMem,
                                            ValueRange{k.add(r0, k.idx(j * L))});
          Value hi = tail ? zeroE
                          : vector::LoadOp::create(
                                b, loc, eVec, vMem,
                                ValueRange{k.add(r1, k.idx(j * L))})
                                .getResult();
          pv.push_back(
              vector::ShuffleOp::create(b, loc, lo, hi, interleave));
        }
        auto pairType = VectorType::get({2}, elem);
        auto i32 = b.getI32Type();
        for (int64_t i = 0; i < MR; ++i) {
          Value pair;
          if (sPacked) {
            pair = vector::LoadOp::create(
                b, loc, pairType, sFlat,
                ValueRange{k.add(sRow[i], k.mul(kp, 2 * MR))});
          } else if (sStride == 1 && !tail) {
            pair = vector::LoadOp::create(b, loc, pairType, sFlat,
                                          ValueRange{k.add(sRow[i], k0)});
          } else {
            Value s0 = memref::LoadOp::create(b, loc, sFlat,
                                              ValueRange{sAt(i, k0)});
            Value s1 =
                tail ? arith::ConstantOp::create(b, loc, b.getZeroAttr(elem))
                           .getResult()
                     : memref::LoadOp::create(b, loc, sFlat,
                                              ValueRange{sAt(i, k1)})
                           .getResult();
            pair = vector::FromElementsOp::create(b, loc, pairType,
                                                  ValueRange{s0, s1});
          }
          Value word = vector::ExtractOp::create(
              b, loc,
              vector::BitCastOp::create(b, loc, VectorType::get({1}, i32),
                                        pair),
              ArrayRef<int64_t>{0});
          Value sv = vector::BitCastOp::create(
              b, loc, pairVec,
              vector::BroadcastOp::create(b, loc, VectorType::get({L}, i32),
                                          word));
          for (int64_t j = 0; j < NV; ++j)
            acc[i * NV + j] = x86vector::DotBF16Op::create(
                b, loc, vecType, acc[i * NV + j], pv[j], sv);
        }
        return acc;
      };
      auto kLoop = scf::ForOp::create(b, loc, k.idx(0),
                                      k.idx(dot ? K / 2 : K), k.idx(1), init);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(kLoop.getBody());
        SmallVector<Value> acc(kLoop.getRegionIterArgs());
        Value kk = kLoop.getInductionVar();
        scf::YieldOp::create(b, loc,
                             dot ? dotStep(kk, false, acc) : fmaStep(kk, acc));
      }
      SmallVector<Value> acc(kLoop.getResults());
      if (dot && K % 2 == 1)
        acc = dotStep(k.idx(K / 2), /*tail=*/!vPacked || !sPacked, acc);

      // The epilogue on value `v` of row m at column n: the other inputs
      // read there (a vector of L columns when `vector`, else one element).
      auto epilogue = [&](Value v, Value m, Value n, bool vector) {
        if (!epi)
          return v;
        SmallVector<Value> args;
        for (auto [xi, x] : llvm::enumerate(xs)) {
          if (xi == epi->cInput) {
            args.push_back(v);
            continue;
          }
          Value xo = k.add(x.batch, k.lookup(x.mTable, m));
          if (x.alongN)
            xo = k.add(xo, k.lookup(x.nTable, n));
          auto et = cast<MemRefType>(x.flat.getType()).getElementType();
          if (vector && x.alongN && et.isInteger(1)) {
            // A vector<Lxi1> load reads L packed bits, but a memref of i1
            // holds one byte per element: L scalar loads.
            SmallVector<Value> lanes;
            for (int64_t l = 0; l < L; ++l)
              lanes.push_back(memref::LoadOp::create(
                  b, loc, x.flat, ValueRange{k.add(xo, k.idx(l))}));
            args.push_back(vector::FromElementsOp::create(
                b, loc, VectorType::get({L}, et), lanes));
          } else if (vector && x.alongN)
            args.push_back(vector::LoadOp::create(
                b, loc, VectorType::get({L}, et), x.flat, ValueRange{xo}));
          else
            args.push_back(
                memref::LoadOp::create(b, loc, x.flat, ValueRange{xo}));
        }
        return applyPayload(b, loc, epi->op, args);
      };
      // One vector of row i (columns c0 .. c0+L-1 of the panel, contiguous
      // and real in the output): epilogue on the register, vector store.
      auto emitVector = [&](int64_t i, int64_t j, Value m) {
        Value c0 = k.add(n0, k.idx(j * L));
        Value at = k.add(k.add(oB, k.lookup(oMTable, m)),
                         k.lookup(oNTable, c0));
        Value v = epilogue(acc[i * NV + j], m, c0, /*vector=*/true);
        vector::StoreOp::create(b, loc, v, oFlat, ValueRange{at});
      };
      // The lanes of vector j of row i (runtime values) one by one, from
      // the tile buffer (edges of N, extra columns, outputs not contiguous
      // along N).
      auto emitScalars = [&](Value i, Value j) {
        Value m = k.add(m0, i);
        Value c0 = k.add(n0, k.mul(j, L));
        Value cEnd = arith::MinSIOp::create(b, loc, k.add(c0, k.idx(L)),
                                            k.idx(N));
        Value mRow = k.add(oB, k.lookup(oMTable, m));
        k.loop(c0, cEnd, [&](Value n) {
          auto store = [&]() {
            Value t = k.add(k.mul(i, NR), arith::SubIOp::create(b, loc, n, n0));
            Value v = epilogue(
                memref::LoadOp::create(b, loc, tile, ValueRange{t}), m, n,
                /*vector=*/false);
            memref::StoreOp::create(
                b, loc, v, oFlat,
                ValueRange{k.add(mRow, k.lookup(oNTable, n))});
          };
          if (N == realN) {
            store();
          } else {
            Value real = k.test(oNTable, n, arith::CmpIPredicate::sge);
            auto inside = scf::IfOp::create(b, loc, real, false);
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPoint(inside.thenBlock()->getTerminator());
            store();
          }
        });
      };
      // Row i, guarded when M has a partial tile.
      auto forRow = [&](int64_t i, function_ref<void(Value)> body) {
        Value m = k.add(m0, k.idx(i));
        if (mDims.empty() || M % MR == 0) {
          body(m);
          return;
        }
        auto inM = scf::IfOp::create(b, loc, k.lt(m, M), false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(inM.thenBlock()->getTerminator());
        body(m);
      };
      // Stores: whole vectors where the output panel is contiguous.
      auto storeFull = [&]() {
        for (int64_t i = 0; i < MR; ++i)
          forRow(i, [&](Value m) {
            for (int64_t j = 0; j < NV; ++j)
              emitVector(i, j, m);
          });
      };
      // Other panels: each vector whole where its columns allow (the
      // vectorOK table), the others lane by lane in one loop.
      auto storeEdge = [&]() {
        auto okAt = [&](Value j) {
          if (!anyVectorOK)
            return Value(arith::ConstantIntOp::create(b, loc, 0, 1));
          return Value(k.test(vectorOKTable, k.add(k.mul(p, NV), j)));
        };
        for (int64_t i = 0; i < MR; ++i)
          for (int64_t j = 0; j < NV; ++j) {
            vector::StoreOp::create(b, loc, acc[i * NV + j], tile,
                                    ValueRange{k.idx(i * NR + j * L)});
            if (!anyVectorOK)
              continue;
            forRow(i, [&](Value m) {
              auto sel = scf::IfOp::create(b, loc, okAt(k.idx(j)), false);
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPoint(sel.thenBlock()->getTerminator());
              emitVector(i, j, m);
            });
          }
        Value rows = arith::MinSIOp::create(
            b, loc, k.idx(MR), arith::SubIOp::create(b, loc, k.idx(M), m0));
        k.loop(k.idx(0), rows, [&](Value i) {
          k.loop(k.idx(0), k.idx(NV), [&](Value j) {
            Value notOK = arith::XOrIOp::create(
                b, loc, okAt(j), arith::ConstantIntOp::create(b, loc, 1, 1));
            auto sel = scf::IfOp::create(b, loc, notOK, false);
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPoint(sel.thenBlock()->getTerminator());
            emitScalars(i, j);
          });
        });
      };
      if (allOFull) {
        storeFull();
      } else if (noOFull) {
        storeEdge();
      } else {
        Value full = k.test(oFullTable, p);
        auto sel = scf::IfOp::create(b, loc, full, true);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(sel.thenBlock()->getTerminator());
        storeFull();
        b.setInsertionPoint(sel.elseBlock()->getTerminator());
        storeEdge();
      }
    });
  };
  if (!mOuter) {
    k.loop(pBegin, pEnd, [&](Value p) {
      panel(p, [&](function_ref<void(Value)> tile) {
        k.loop(mtBegin, mtEnd, tile);
      });
    });
  } else {
    // Row tiles outside: the task's S rows stay in L2 while its V panels
    // (packed or in place, so no gathering is repeated) pass by.
    k.loop(mtBegin, mtEnd, [&](Value mt) {
      k.loop(pBegin, pEnd, [&](Value p) {
        panel(p, [&](function_ref<void(Value)> tile) { tile(mt); });
      });
    });
  }
  // (buffer-deallocation-pipeline frees the per-task buffers.)

  // The replaced ops, and C when nothing else reads it.
  Operation *consumer = epi ? epi->op.getOperation() : nullptr;
  Operation *view = epi ? epi->view : nullptr;
  op->erase();
  fill->erase();
  if (consumer)
    consumer->erase();
  if (view)
    view->erase();
  if (resultCopy)
    resultCopy->erase();
  if (padOp)
    padOp->erase();
  // Buffers nothing reads any more (the product's, the unpadded output).
  auto dropIfDead = [](Value buffer) {
    auto alloc = buffer ? buffer.getDefiningOp<memref::AllocOp>() : nullptr;
    if (!alloc || llvm::any_of(buffer.getUsers(), [](Operation *u) {
          return !isa<memref::DeallocOp>(u);
        }))
      return;
    for (Operation *u : llvm::make_early_inc_range(buffer.getUsers()))
      u->erase();
    alloc->erase();
  };
  dropIfDead(unpadded);
  if (epi)
    dropIfDead(C);
  return success();
}

} // namespace dlc::cpu_contractions
