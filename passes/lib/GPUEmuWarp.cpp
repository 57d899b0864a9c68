//===- GPUEmuWarp.cpp - warp-collective ops on the host --------------------===//
//
// See GPUEmuWarp.h.
//
//===----------------------------------------------------------------------===//

#include "GPUEmuWarp.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace dlc::emu {

namespace {

constexpr int64_t kLanes = 32;
/// AMD CDNA waves (amdgpu.mfma).
constexpr int64_t kWaveLanes = 64;

/// The lanes that execute `op` together.
int64_t lanesOf(Operation *op) {
  return isa<amdgpu::MFMAOp>(op) ? kWaveLanes : kLanes;
}

struct Ix {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, c(y));
  }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, c(y));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, c(y));
  }
  /// for (iv = 0; iv < n; ++iv) body(iv), with `b` inside.
  void loop(int64_t n, function_ref<void(Value)> body) {
    auto f = scf::ForOp::create(b, loc, c(0), c(n), c(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(f.getBody()->getTerminator());
    body(f.getInductionVar());
  }
};

/// The slot type of a vector operand: [threads] + the vector's shape.
MemRefType slotType(int64_t threads, VectorType v) {
  SmallVector<int64_t> shape{threads};
  shape.append(v.getShape().begin(), v.getShape().end());
  return MemRefType::get(shape, v.getElementType());
}

/// The positions of a vector of shape `shape` in row-major order (the
/// order of vector.from_elements).
SmallVector<SmallVector<int64_t>> positions(ArrayRef<int64_t> shape) {
  SmallVector<SmallVector<int64_t>> all;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  for (int64_t linear = 0; linear < n; ++linear) {
    SmallVector<int64_t> pos(shape.size());
    int64_t rest = linear;
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      pos[d] = rest % shape[d];
      rest /= shape[d];
    }
    all.push_back(pos);
  }
  return all;
}

/// The slot indices of thread `linear`'s element `pos`.
SmallVector<Value> slotIndices(Ix &x, Value linear, ArrayRef<int64_t> pos) {
  SmallVector<Value> idx{linear};
  for (int64_t p : pos)
    idx.push_back(x.c(p));
  return idx;
}

/// Stores vector `v` (any rank) into thread `linear`'s slot.
void storeVector(OpBuilder &b, Location loc, Value v, Value slot,
                 Value linear) {
  auto type = cast<VectorType>(v.getType());
  Ix x{b, loc};
  for (const SmallVector<int64_t> &pos : positions(type.getShape()))
    memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, v, pos),
                            slot, slotIndices(x, linear, pos));
}

Value loadVector(OpBuilder &b, Location loc, VectorType type, Value slot,
                 Value linear) {
  Ix x{b, loc};
  SmallVector<Value> elements;
  for (const SmallVector<int64_t> &pos : positions(type.getShape()))
    elements.push_back(
        memref::LoadOp::create(b, loc, slot, slotIndices(x, linear, pos)));
  return vector::FromElementsOp::create(b, loc, type, elements);
}

bool is16Bit(Type t) { return t.isF16() || t.isBF16(); }

} // namespace

bool isWarpCollective(Operation *op) {
  return isa<nvgpu::LdMatrixOp, nvgpu::MmaSyncOp, amdgpu::MFMAOp>(op);
}

LogicalResult
allocateWarpSlots(Operation *op, int64_t threads,
                  function_ref<Value(ArrayRef<int64_t>, Type)> allocate,
                  WarpSlots &slots) {
  if (threads % lanesOf(op) != 0)
    return op->emitError("dlc-gpu-launch-to-loops: warp-level matrix ops "
                         "need blocks of whole warps (")
           << lanesOf(op) << " lanes)";
  auto alloc = [&](MemRefType t) {
    return allocate(t.getShape(), t.getElementType());
  };
  // A matrix op's slots: A, B and C in, D (C's type) out.
  auto matrixSlots = [&](VectorType a, VectorType b, VectorType c) {
    for (VectorType t : {a, b, c})
      slots.in.push_back(alloc(slotType(threads, t)));
    slots.out = alloc(slotType(threads, c));
    return success();
  };
  if (auto mfma = dyn_cast<amdgpu::MFMAOp>(op)) {
    auto a = dyn_cast<VectorType>(mfma.getSourceA().getType());
    auto bt = dyn_cast<VectorType>(mfma.getSourceB().getType());
    auto ct = dyn_cast<VectorType>(mfma.getDestC().getType());
    if (mfma.getM() != 16 || mfma.getN() != 16 || mfma.getK() != 16 ||
        mfma.getBlocks() != 1 || mfma.getCbsz() != 0 || mfma.getAbid() != 0 ||
        mfma.getBlgp() != amdgpu::MFMAPermB::none || !a || !bt || !ct ||
        a != bt || a.getShape() != ArrayRef<int64_t>{4} ||
        !is16Bit(a.getElementType()) ||
        ct.getShape() != ArrayRef<int64_t>{4} || !ct.getElementType().isF32())
      return op->emitError("dlc-gpu-launch-to-loops: only amdgpu.mfma "
                           "16x16x16 with f16 or bf16 inputs and f32 "
                           "accumulators (one block, no broadcasts) is "
                           "emulated");
    return matrixSlots(a, bt, ct);
  }
  if (auto ld = dyn_cast<nvgpu::LdMatrixOp>(op)) {
    auto res = cast<VectorType>(ld.getRes().getType());
    int64_t tiles = ld.getNumTiles();
    if (res.getRank() != 2 || res.getDimSize(0) != tiles ||
        res.getDimSize(1) != 2 || !is16Bit(res.getElementType()) ||
        (tiles != 1 && tiles != 2 && tiles != 4))
      return op->emitError("dlc-gpu-launch-to-loops: only ldmatrix of "
                           "1, 2 or 4 8x8 matrices of 16-bit elements is "
                           "emulated");
    int64_t rank = ld.getSrcMemref().getType().getRank();
    slots.in.push_back(allocate({threads, rank}, IndexType::get(op->getContext())));
    slots.out = alloc(slotType(threads, res));
    return success();
  }
  auto mma = cast<nvgpu::MmaSyncOp>(op);
  auto a = cast<VectorType>(mma.getMatrixA().getType());
  auto bt = cast<VectorType>(mma.getMatrixB().getType());
  auto ct = cast<VectorType>(mma.getMatrixC().getType());
  std::array<int64_t, 3> shape = mma.getMmaShapeAsArray();
  bool half = shape == std::array<int64_t, 3>{16, 8, 16} &&
              a.getShape() == ArrayRef<int64_t>{4, 2} &&
              bt.getShape() == ArrayRef<int64_t>{2, 2} &&
              is16Bit(a.getElementType());
  bool tf32 = shape == std::array<int64_t, 3>{16, 8, 8} &&
              a.getShape() == ArrayRef<int64_t>{4, 1} &&
              bt.getShape() == ArrayRef<int64_t>{2, 1} &&
              a.getElementType().isF32() && mma.getTf32Enabled().has_value();
  if (!(half || tf32) || ct.getShape() != ArrayRef<int64_t>{2, 2} ||
      !ct.getElementType().isF32())
    return op->emitError("dlc-gpu-launch-to-loops: only mma.sync m16n8k16 "
                         "with f16 or bf16 inputs and m16n8k8 with tf32 "
                         "inputs, f32 accumulators, are emulated");
  return matrixSlots(a, bt, ct);
}

void storeWarpOperands(OpBuilder &b, Operation *op, IRMapping &map,
                       const WarpSlots &slots, Value linear) {
  Location loc = op->getLoc();
  if (auto mfma = dyn_cast<amdgpu::MFMAOp>(op)) {
    storeVector(b, loc, map.lookupOrDefault(mfma.getSourceA()), slots.in[0],
                linear);
    storeVector(b, loc, map.lookupOrDefault(mfma.getSourceB()), slots.in[1],
                linear);
    storeVector(b, loc, map.lookupOrDefault(mfma.getDestC()), slots.in[2],
                linear);
    return;
  }
  if (auto ld = dyn_cast<nvgpu::LdMatrixOp>(op)) {
    Ix x{b, loc};
    for (auto [d, index] : llvm::enumerate(ld.getIndices()))
      memref::StoreOp::create(b, loc, map.lookupOrDefault(index), slots.in[0],
                              ValueRange{linear, x.c(d)});
    return;
  }
  auto mma = cast<nvgpu::MmaSyncOp>(op);
  storeVector(b, loc, map.lookupOrDefault(mma.getMatrixA()), slots.in[0],
              linear);
  storeVector(b, loc, map.lookupOrDefault(mma.getMatrixB()), slots.in[1],
              linear);
  storeVector(b, loc, map.lookupOrDefault(mma.getMatrixC()), slots.in[2],
              linear);
}

namespace {

/// The body of a warp op's emulation: `in` and `out` are the slots, `src`
/// the workgroup buffer an ldmatrix reads.
void emitCombine(OpBuilder &b, Location loc, Operation *op, Value src,
                 ArrayRef<Value> in, Value out, int64_t threads) {
  Ix x{b, loc};
  if (isa<amdgpu::MFMAOp>(op)) {
    Type f32 = b.getF32Type();
    auto widen = [&](OpBuilder &ib, Value v) -> Value {
      return v.getType() == f32 ? v : arith::ExtFOp::create(ib, loc, f32, v);
    };
    // amdgpu.mfma 16x16x16 (v_mfma_f32_16x16x16_f16 / _bf16_1k), per wave
    // of 64 lanes: D[16x16] = A[16x16] B[16x16] + C.
    //   A (row, k): lane row + 16 (k/4), register k%4
    //   B (k, n):   lane n + 16 (k/4),   register k%4
    //   C, D (row, n): lane n + 16 (row/4), register row%4
    x.loop(threads / kWaveLanes, [&](Value w) {
      Value waveBase = x.mul(w, kWaveLanes);
      x.loop(16, [&](Value row) {
        x.loop(16, [&](Value n) {
          Value cLane =
              x.add(waveBase, x.add(n, x.mul(x.div(row, 4), 16)));
          Value cReg = x.rem(row, 4);
          Value c0 = memref::LoadOp::create(b, loc, in[2],
                                            ValueRange{cLane, cReg});
          auto kLoop = scf::ForOp::create(
              b, loc, x.c(0), x.c(16), x.c(1), ValueRange{c0},
              [&](OpBuilder &lb, Location l, Value k, ValueRange acc) {
                Ix y{lb, l};
                Value kLane = y.mul(y.div(k, 4), 16), kReg = y.rem(k, 4);
                Value aLane = y.add(waveBase, y.add(row, kLane));
                Value bLane = y.add(waveBase, y.add(n, kLane));
                Value av = memref::LoadOp::create(lb, l, in[0],
                                                  ValueRange{aLane, kReg});
                Value bv = memref::LoadOp::create(lb, l, in[1],
                                                  ValueRange{bLane, kReg});
                Value s = math::FmaOp::create(lb, l, widen(lb, av),
                                              widen(lb, bv), acc[0]);
                scf::YieldOp::create(lb, l, s);
              });
          memref::StoreOp::create(b, loc, kLoop.getResult(0), out,
                                  ValueRange{cLane, cReg});
        });
      });
    });
    return;
  }
  if (auto ld = dyn_cast<nvgpu::LdMatrixOp>(op)) {
    // Matrix i's row r is the 8 elements at the address of lane 8i + r.
    // Lane t receives of each matrix the elements (t/4, 2(t%4) + e), or
    // with .trans (2(t%4) + e, t/4).
    int64_t rank = ld.getSrcMemref().getType().getRank();
    bool trans = ld.getTranspose();
    int64_t tiles = ld.getNumTiles();
    x.loop(threads / kLanes, [&](Value w) {
      Value warpBase = x.mul(w, kLanes);
      x.loop(kLanes, [&](Value t) {
        for (int64_t i = 0; i < tiles; ++i)
          for (int64_t e = 0; e < 2; ++e) {
            Value pair = x.add(x.mul(x.rem(t, 4), 2), x.c(e));
            Value row = trans ? pair : x.div(t, 4);
            Value col = trans ? x.div(t, 4) : pair;
            Value lane = x.add(warpBase, x.add(x.c(8 * i), row));
            SmallVector<Value> idx;
            for (int64_t d = 0; d < rank; ++d)
              idx.push_back(memref::LoadOp::create(
                  b, loc, in[0], ValueRange{lane, x.c(d)}));
            idx.back() = x.add(idx.back(), col);
            Value v = memref::LoadOp::create(b, loc, src, idx);
            memref::StoreOp::create(b, loc, v, out,
                                    ValueRange{x.add(warpBase, t), x.c(i),
                                               x.c(e)});
          }
      });
    });
    return;
  }
  // mma.sync m16n8k16 .row.col: D[16x8] = A[16x16] B[16x8] + C.
  //   A (row, k): lane (row%8)*4 + (k%8)/2, register row/8 + 2(k/8), k%2
  //   B (k, n):   lane n*4 + (k%8)/2,       register k/8,           k%2
  //   C, D (row, n): lane (row%8)*4 + n/2,  register row/8,         n%2
  // m16n8k8 .tf32: D[16x8] = A[16x8] B[8x8] + C, one value a register.
  //   A (row, k): lane (row%8)*4 + k%4,     register row/8 + 2(k/4)
  //   B (k, n):   lane n*4 + k%4,           register k/4
  // tf32 inputs keep the upper 19 bits of the f32 registers (the tensor
  // cores ignore the low 13 mantissa bits).
  auto mma = cast<nvgpu::MmaSyncOp>(op);
  bool tf32 = mma.getTf32Enabled().has_value();
  int64_t depth = tf32 ? 8 : 16;
  Type f32 = b.getF32Type();
  auto widen = [&](OpBuilder &ib, Value v) -> Value {
    if (v.getType() != f32)
      return arith::ExtFOp::create(ib, loc, f32, v);
    if (!tf32)
      return v;
    Type i32 = ib.getI32Type();
    Value bits = arith::BitcastOp::create(ib, loc, i32, v);
    Value mask = arith::ConstantOp::create(
        ib, loc, ib.getI32IntegerAttr(static_cast<int32_t>(0xFFFFE000u)));
    return arith::BitcastOp::create(
        ib, loc, f32, arith::AndIOp::create(ib, loc, bits, mask));
  };
  x.loop(threads / kLanes, [&](Value w) {
    Value warpBase = x.mul(w, kLanes);
    x.loop(16, [&](Value row) {
      x.loop(8, [&](Value n) {
        Value rowLane = x.mul(x.rem(row, 8), 4);
        Value cLane = x.add(warpBase, x.add(rowLane, x.div(n, 2)));
        Value cReg = x.div(row, 8), cElem = x.rem(n, 2);
        Value c0 = memref::LoadOp::create(b, loc, in[2],
                                          ValueRange{cLane, cReg, cElem});
        auto kLoop = scf::ForOp::create(
            b, loc, x.c(0), x.c(depth), x.c(1), ValueRange{c0},
            [&](OpBuilder &lb, Location l, Value k, ValueRange acc) {
              Ix y{lb, l};
              // 16-bit: two k a register; tf32: one.
              Value kLane = tf32 ? y.rem(k, 4) : y.div(y.rem(k, 8), 2);
              Value kElem = tf32 ? y.c(0) : y.rem(k, 2);
              Value kReg = tf32 ? y.div(k, 4) : y.div(k, 8);
              Value aLane = y.add(warpBase, y.add(rowLane, kLane));
              Value aReg = y.add(y.div(row, 8), y.mul(kReg, 2));
              Value bLane = y.add(warpBase, y.add(y.mul(n, 4), kLane));
              Value av = memref::LoadOp::create(
                  lb, l, in[0], ValueRange{aLane, aReg, kElem});
              Value bv = memref::LoadOp::create(
                  lb, l, in[1], ValueRange{bLane, kReg, kElem});
              Value s = math::FmaOp::create(lb, l, widen(lb, av),
                                            widen(lb, bv), acc[0]);
              scf::YieldOp::create(lb, l, s);
            });
        memref::StoreOp::create(b, loc, kLoop.getResult(0), out,
                                ValueRange{cLane, cReg, cElem});
      });
    });
  });
}

/// A name for the helper of `op` on `types`: the op's form and the
/// printed types, letters, digits and '_' only (deterministic).
std::string helperName(Operation *op, TypeRange types) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto ld = dyn_cast<nvgpu::LdMatrixOp>(op))
    os << "ldmatrix_x" << ld.getNumTiles() << (ld.getTranspose() ? "_t" : "");
  else if (isa<amdgpu::MFMAOp>(op))
    os << "mfma_16x16x16";
  else
    os << "mma_" << (cast<nvgpu::MmaSyncOp>(op).getTf32Enabled() ? "tf32"
                                                                  : "16bit");
  for (Type t : types)
    os << "_" << t;
  std::string name = "__dlc_emu_";
  for (char ch : text)
    name += llvm::isAlnum(ch) ? ch : '_';
  return name;
}

} // namespace

void combineWarps(OpBuilder &b, Operation *op, IRMapping &map,
                  const WarpSlots &slots, int64_t threads) {
  // One private function per form and types, called from every site: the
  // loops emitted once instead of at each of the many warp ops of an
  // unrolled kernel (LLVM's time on the emulated code).
  Location loc = op->getLoc();
  SmallVector<Value> args;
  if (auto ld = dyn_cast<nvgpu::LdMatrixOp>(op))
    args.push_back(map.lookupOrDefault(ld.getSrcMemref()));
  args.append(slots.in.begin(), slots.in.end());
  args.push_back(slots.out);
  SmallVector<Type> types;
  for (Value a : args)
    types.push_back(a.getType());
  auto module = op->getParentOfType<ModuleOp>();
  std::string name = helperName(op, types);
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn) {
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    fn = func::FuncOp::create(mb, loc, name,
                              mb.getFunctionType(types, TypeRange{}));
    fn.setPrivate();
    fn->setAttr("passthrough", mb.getArrayAttr({mb.getStringAttr("noinline")}));
    Block *body = fn.addEntryBlock();
    OpBuilder fb = OpBuilder::atBlockEnd(body);
    bool ld = isa<nvgpu::LdMatrixOp>(op);
    SmallVector<Value> in;
    for (unsigned i = ld ? 1 : 0; i + 1 < body->getNumArguments(); ++i)
      in.push_back(body->getArgument(i));
    emitCombine(fb, loc, op, ld ? body->getArgument(0) : Value(), in,
                body->getArguments().back(), threads);
    func::ReturnOp::create(fb, loc);
  }
  func::CallOp::create(b, loc, fn, args);
}

Value loadWarpResult(OpBuilder &b, Operation *op, const WarpSlots &slots,
                     Value linear) {
  auto type = cast<VectorType>(op->getResult(0).getType());
  return loadVector(b, op->getLoc(), type, slots.out, linear);
}

} // namespace dlc::emu
