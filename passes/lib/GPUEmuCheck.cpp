//===- GPUEmuCheck.cpp - the race check of the GPU emulation --------------===//
//
// The calls dlc-gpu-launch-to-loops makes into the runtime's race checker
// (runtime/lib/EmuCheck.cpp): a launch handle made on the host before the
// blocks' parallel loop and kept in a one-element heap buffer (so that the
// loop can still be outlined onto the thread pool), a block handle per
// block, one dlc_emu_access per access of workgroup or global memory with
// the element's address and a site string naming the kernel, the buffer,
// the ONNX node and the op, and dlc_emu_barrier at every barrier.
//
//===----------------------------------------------------------------------===//

#include "GPUEmuCheck.h"
#include "dlc/Passes/OpInfo.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace dlc::emu {

memref::GlobalOp SiteTable::get(StringRef text) {
  auto it = globals.find(text);
  if (it != globals.end())
    return it->second;
  MLIRContext *ctx = module.getContext();
  SmallVector<int8_t> bytes(text.begin(), text.end());
  bytes.push_back(0);
  auto type =
      MemRefType::get({int64_t(bytes.size())}, IntegerType::get(ctx, 8));
  auto init = DenseElementsAttr::get(
      RankedTensorType::get(type.getShape(), type.getElementType()),
      ArrayRef<int8_t>(bytes));
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  std::string name = "__dlc_emu_site_" + std::to_string(globals.size());
  auto global = memref::GlobalOp::create(
      b, module.getLoc(), name, b.getStringAttr("private"), type, init,
      /*constant=*/true, /*alignment=*/nullptr);
  globals[text] = global;
  return global;
}

func::FuncOp SiteTable::helper(StringRef name, unsigned numArgs,
                               bool returnsValue) {
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Type i64 = b.getI64Type();
  SmallVector<Type> args(numArgs, i64);
  SmallVector<Type> results;
  if (returnsValue)
    results.push_back(i64);
  auto f = func::FuncOp::create(b, module.getLoc(), name,
                                b.getFunctionType(args, results));
  f.setPrivate();
  return f;
}

namespace {

std::optional<int64_t> elementBytes(Type t) {
  if (isa<IndexType>(t))
    return 8;
  if (t.isIntOrFloat())
    return std::max<int64_t>(1, (t.getIntOrFloatBitWidth() + 7) / 8);
  return std::nullopt;
}

/// The memref a view chain starts from.
Value rootOf(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  return memref;
}

std::string typeText(MemRefType type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "memref<";
  for (int64_t d : type.getShape())
    os << d << "x";
  os << type.getElementType() << ">";
  return s;
}

} // namespace

Value LaunchCheck::constant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}

Value LaunchCheck::i64(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
}

Value LaunchCheck::sitePointer(StringRef text) {
  auto it = sitePointers.find(text);
  if (it != sitePointers.end())
    return it->second;
  memref::GlobalOp global = sites.get(text);
  OpBuilder b = OpBuilder::atBlockBegin(blockBody);
  Location loc = launch.getLoc();
  Value g = memref::GetGlobalOp::create(b, loc, global.getType(),
                                        global.getSymName());
  Value p = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, g);
  Value v = i64(b, loc, p);
  sitePointers[text] = v;
  return v;
}

void LaunchCheck::begin(scf::ParallelOp blocks, gpu::KernelDim3 blockSize) {
  Location loc = launch.getLoc();
  blockBody = blocks.getBody();
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(launch.getBody(), above);
  for (Value v : above)
    if (isa<MemRefType>(v.getType()))
      globals.try_emplace(v, globals.size());

  // Host: the launch handle, in a heap buffer the blocks read.
  OpBuilder b(blocks);
  memref::GlobalOp name = sites.get(kernel);
  Value g =
      memref::GetGlobalOp::create(b, loc, name.getType(), name.getSymName());
  Value namePtr =
      i64(b, loc, memref::ExtractAlignedPointerAsIndexOp::create(b, loc, g));
  int64_t flags = (options.races ? 1 : 0) |
                  (options.order == ThreadOrder::Reverse ? 2 : 0) |
                  (options.order == ThreadOrder::Shuffle ? 4 : 0);
  Value handle =
      func::CallOp::create(
          b, loc, sites.helper("dlc_emu_launch_begin", 6, true),
          ValueRange{namePtr, i64(b, loc, blockSize.x),
                     i64(b, loc, blockSize.y), i64(b, loc, blockSize.z),
                     constant(b, loc, flags), constant(b, loc, options.seed)})
          .getResult(0);
  Value slot =
      memref::AllocOp::create(b, loc, MemRefType::get({1}, b.getI64Type()),
                              ValueRange{}, b.getI64IntegerAttr(8));
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  memref::StoreOp::create(b, loc, handle, slot, ValueRange{c0});
  b.setInsertionPointAfter(blocks);
  func::CallOp::create(b, loc, sites.helper("dlc_emu_launch_end", 1, false),
                       ValueRange{handle});
  memref::DeallocOp::create(b, loc, slot);

  // Block: its handle first thing in the body.
  OpBuilder bb = OpBuilder::atBlockBegin(blockBody);
  Value zero = arith::ConstantIndexOp::create(bb, loc, 0);
  Value launchHandle = memref::LoadOp::create(bb, loc, slot, ValueRange{zero});
  ValueRange ids = blocks.getInductionVars();
  blockHandle = func::CallOp::create(
                    bb, loc, sites.helper("dlc_emu_block_begin", 4, true),
                    ValueRange{launchHandle, i64(bb, loc, ids[0]),
                               i64(bb, loc, ids[1]), i64(bb, loc, ids[2])})
                    .getResult(0);
}

void LaunchCheck::endBlock(OpBuilder &b, Location loc) {
  func::CallOp::create(b, loc, sites.helper("dlc_emu_block_end", 1, false),
                       ValueRange{blockHandle});
}

void LaunchCheck::trackWorkgroup(Value buffer, unsigned index,
                                 MemRefType type) {
  shared[buffer] = {index, type};
}

void LaunchCheck::barrier(OpBuilder &b, Location loc) {
  if (options.races)
    func::CallOp::create(b, loc, sites.helper("dlc_emu_barrier", 1, false),
                         ValueRange{blockHandle});
}

void LaunchCheck::phaseOrder(OpBuilder &b, Location loc) {
  if (options.order == ThreadOrder::Shuffle)
    func::CallOp::create(b, loc, sites.helper("dlc_emu_phase_order", 1, false),
                         ValueRange{blockHandle});
}

Value LaunchCheck::threadAt(OpBuilder &b, Location loc, Value position,
                            Value count) {
  switch (options.order) {
  case ThreadOrder::Forward:
    return position;
  case ThreadOrder::Reverse: {
    Value last = arith::SubIOp::create(
        b, loc, count, arith::ConstantIndexOp::create(b, loc, 1));
    return arith::SubIOp::create(b, loc, last, position);
  }
  case ThreadOrder::Shuffle: {
    Value t =
        func::CallOp::create(b, loc, sites.helper("dlc_emu_thread_at", 2, true),
                             ValueRange{blockHandle, i64(b, loc, position)})
            .getResult(0);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), t);
  }
  }
  return position;
}

std::string LaunchCheck::bufferName(Value memref) {
  Value root = rootOf(memref);
  auto it = shared.find(root);
  if (it != shared.end())
    return "workgroup buffer #" + std::to_string(it->second.first) + " (" +
           typeText(it->second.second) + ")";
  auto g = globals.find(root);
  if (g != globals.end())
    return "global buffer #" + std::to_string(g->second) + " (" +
           typeText(cast<MemRefType>(root.getType())) + ")";
  return "";
}

std::string LaunchCheck::siteText(Operation *op, Value memref) {
  return kernel + "\x1f" + bufferName(memref) + "\x1f" + dlc::onnxNodeOf(op) + "\x1f" +
         op->getName().getStringRef().str();
}

/// Address of memref[indices] and of the memref's first element, as i64.
static std::pair<Value, Value> addressOf(OpBuilder &b, Location loc,
                                         Value memref, ValueRange indices,
                                         int64_t bytes) {
  Value ptr = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  auto md = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value eb = arith::ConstantIndexOp::create(b, loc, bytes);
  Value base = arith::AddIOp::create(
      b, loc, ptr, arith::MulIOp::create(b, loc, md.getOffset(), eb));
  Value linear = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [i, idx] : llvm::enumerate(indices))
    linear = arith::AddIOp::create(
        b, loc, linear, arith::MulIOp::create(b, loc, idx, md.getStrides()[i]));
  Value addr = arith::AddIOp::create(b, loc, base,
                                     arith::MulIOp::create(b, loc, linear, eb));
  Type i64 = b.getI64Type();
  return {arith::IndexCastOp::create(b, loc, i64, addr),
          arith::IndexCastOp::create(b, loc, i64, base)};
}

void LaunchCheck::emitAccess(OpBuilder &b, Operation *op, Value memref,
                             ValueRange indices, int64_t count, bool write,
                             Value thread) {
  Location loc = op->getLoc();
  auto type = cast<MemRefType>(memref.getType());
  int64_t bytes = *elementBytes(type.getElementType());
  auto [addr, base] = addressOf(b, loc, memref, indices, bytes);
  func::CallOp::create(b, loc, sites.helper("dlc_emu_access", 8, false),
                       ValueRange{blockHandle, i64(b, loc, thread), addr, base,
                                  constant(b, loc, bytes),
                                  constant(b, loc, count),
                                  constant(b, loc, write ? 1 : 0),
                                  sitePointer(siteText(op, memref))});
}

void LaunchCheck::read(OpBuilder &b, Operation *op, Value memref,
                       ValueRange indices, int64_t count, Value thread) {
  if (!options.races || bufferName(memref).empty())
    return;
  emitAccess(b, op, memref, indices, count, false, thread);
}

LogicalResult LaunchCheck::instrument(Operation *clone, Value thread) {
  SmallVector<Operation *> ops;
  clone->walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : ops) {
    if (isa<nvgpu::DeviceAsyncCopyOp>(op))
      continue; // lowerAsyncCopies
    Value memref;
    ValueRange indices;
    int64_t count = 1;
    bool write = false;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      memref = load.getMemref();
      indices = load.getIndices();
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      memref = store.getMemref();
      indices = store.getIndices();
      write = true;
    } else if (auto load = dyn_cast<vector::LoadOp>(op)) {
      memref = load.getBase();
      indices = load.getIndices();
      count = load.getVectorType().getRank() == 1
                  ? load.getVectorType().getNumElements()
                  : -1;
    } else if (auto store = dyn_cast<vector::StoreOp>(op)) {
      memref = store.getBase();
      indices = store.getIndices();
      write = true;
      count = store.getVectorType().getRank() == 1
                  ? store.getVectorType().getNumElements()
                  : -1;
    } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      // Contiguous copies (scalar work in one-thread launches): every
      // element read, every element written.
      auto contiguous = [&](Value m) {
        auto t = cast<MemRefType>(m.getType());
        return memref::isStaticShapeAndContiguousRowMajor(t) &&
               elementBytes(t.getElementType());
      };
      Value from = copy.getSource(), to = copy.getTarget();
      if (bufferName(from).empty() && bufferName(to).empty())
        continue;
      if (!contiguous(from) || !contiguous(to))
        return op->emitError("dlc-gpu-launch-to-loops: the race check "
                             "handles copies of contiguous static memrefs "
                             "only");
      OpBuilder b(op);
      int64_t n = cast<MemRefType>(from.getType()).getNumElements();
      SmallVector<Value> zeros(
          cast<MemRefType>(from.getType()).getRank(),
          arith::ConstantIndexOp::create(b, op->getLoc(), 0));
      if (!bufferName(from).empty())
        emitAccess(b, op, from, zeros, n, false, thread);
      zeros.assign(cast<MemRefType>(to.getType()).getRank(),
                   arith::ConstantIndexOp::create(b, op->getLoc(), 0));
      if (!bufferName(to).empty())
        emitAccess(b, op, to, zeros, n, true, thread);
      continue;
    } else {
      // Any other op touching tracked memory cannot be checked.
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      if (!effects)
        continue;
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffects(list);
      for (auto &e : list)
        if (Value v = e.getValue();
            v && isa<MemRefType>(v.getType()) && !bufferName(v).empty())
          return op->emitError("dlc-gpu-launch-to-loops: the race check "
                               "cannot instrument this access of ")
                 << bufferName(v);
      continue;
    }
    std::string name = bufferName(memref);
    if (name.empty())
      continue;
    if (count < 0 ||
        !elementBytes(cast<MemRefType>(memref.getType()).getElementType()))
      return op->emitError("dlc-gpu-launch-to-loops: the race check "
                           "handles scalar and 1-D vector accesses of "
                           "integer and float elements only");
    OpBuilder b(op);
    emitAccess(b, op, memref, indices, count, write, thread);
  }
  return success();
}

/// Without the check: the copy is done at once, element by element, and
/// the elements past `srcElements` are zero.
static void copyNow(OpBuilder &b, nvgpu::DeviceAsyncCopyOp copy) {
  Location loc = copy.getLoc();
  Type element = copy.getDst().getType().getElementType();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value n = arith::ConstantIndexOp::create(
      b, loc, copy.getDstElements().getZExtValue());
  auto loop = scf::ForOp::create(b, loc, c0, n, c1);
  OpBuilder lb(loop.getBody()->getTerminator());
  Value k = loop.getInductionVar();
  auto shifted = [&](ValueRange indices) {
    SmallVector<Value> out(indices.begin(), indices.end());
    out.back() = arith::AddIOp::create(lb, loc, out.back(), k);
    return out;
  };
  SmallVector<Value> src = shifted(copy.getSrcIndices());
  SmallVector<Value> dst = shifted(copy.getDstIndices());
  Value v;
  if (Value limit = copy.getSrcElements()) {
    Value inside =
        arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::ult, k, limit);
    auto ifOp = scf::IfOp::create(
        lb, loc, inside,
        [&](OpBuilder &tb, Location l) {
          scf::YieldOp::create(
              tb, l,
              ValueRange{memref::LoadOp::create(tb, l, copy.getSrc(), src)});
        },
        [&](OpBuilder &eb, Location l) {
          Value zero = arith::ConstantOp::create(
              eb, l, cast<TypedAttr>(eb.getZeroAttr(element)));
          scf::YieldOp::create(eb, l, zero);
        });
    v = ifOp.getResult(0);
  } else {
    v = memref::LoadOp::create(lb, loc, copy.getSrc(), src);
  }
  memref::StoreOp::create(lb, loc, v, copy.getDst(), dst);
}

LogicalResult LaunchCheck::lowerAsyncCopies(ArrayRef<Operation *> clones,
                                            Value thread) {
  SmallVector<Operation *> ops;
  for (Operation *clone : clones)
    clone->walk([&](Operation *op) {
      if (isa<nvgpu::DeviceAsyncCopyOp, nvgpu::DeviceAsyncCreateGroupOp,
              nvgpu::DeviceAsyncWaitOp>(op))
        ops.push_back(op);
    });
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    if (auto copy = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op)) {
      auto dstType = copy.getDst().getType();
      std::optional<int64_t> bytes = elementBytes(dstType.getElementType());
      if (!bytes)
        return op->emitError("dlc-gpu-launch-to-loops: unsupported element "
                             "type of an async copy");
      if (!options.races) {
        copyNow(b, copy);
      } else {
        auto [dst, dstBase] =
            addressOf(b, loc, copy.getDst(), copy.getDstIndices(), *bytes);
        auto [src, srcBase] =
            addressOf(b, loc, copy.getSrc(), copy.getSrcIndices(), *bytes);
        int64_t n = copy.getDstElements().getZExtValue();
        Value srcCount = copy.getSrcElements()
                             ? i64(b, loc, copy.getSrcElements())
                             : constant(b, loc, n);
        func::CallOp::create(
            b, loc, sites.helper("dlc_emu_async_copy", 11, false),
            ValueRange{blockHandle, i64(b, loc, thread), dst, dstBase, src,
                       srcBase, constant(b, loc, *bytes), constant(b, loc, n),
                       srcCount, sitePointer(siteText(op, copy.getDst())),
                       sitePointer(siteText(op, copy.getSrc()))});
      }
    } else if (options.races && isa<nvgpu::DeviceAsyncCreateGroupOp>(op)) {
      func::CallOp::create(b, loc,
                           sites.helper("dlc_emu_async_commit", 2, false),
                           ValueRange{blockHandle, i64(b, loc, thread)});
    } else if (auto wait = dyn_cast<nvgpu::DeviceAsyncWaitOp>(op);
               wait && options.races) {
      int64_t keep = wait.getNumGroups() ? *wait.getNumGroups() : 0;
      func::CallOp::create(
          b, loc, sites.helper("dlc_emu_async_wait", 3, false),
          ValueRange{blockHandle, i64(b, loc, thread), constant(b, loc, keep)});
    }
  }
  // Tokens only connect these ops: drop them, users first.
  for (Operation *op : llvm::reverse(ops)) {
    for (Value token : op->getResults())
      if (!token.use_empty())
        return op->emitError("dlc-gpu-launch-to-loops: an async token is "
                             "used by an op the emulation does not know");
    op->erase();
  }
  return success();
}

} // namespace dlc::emu
