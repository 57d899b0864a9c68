//===- DescribeKernels.cpp - the kernel list of a model, optional timers --===//
//
// After bufferization and the CPU kernel strategies, every top-level op of
// the model function that computes (an scf.parallel kernel, a linalg op, a
// loop nest, a copy) is one kernel of the inference. This pass lists them
// in the module attribute `dlc.kernels` (the ONNX nodes each covers, its
// kind, strategy, tile sizes, FLOPs and bytes moved) for `dlc --explain`
// and `dlc-run --profile`, and with `instrument` brackets each one with
// calls of dlc_profile_enter(id) / dlc_profile_exit(id).
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Kernels.h"
#include "dlc/Passes/OpInfo.h"
#include "dlc/Passes/Passes.h"
#include "llvm/ADT/SetVector.h"

namespace dlc {
#define GEN_PASS_DEF_DESCRIBEKERNELS
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The ONNX node names in a location.
void nodeNames(Location loc, llvm::SetVector<StringRef> &names) {
  loc->walk([&](Location l) {
    if (auto n = dyn_cast<NameLoc>(l))
      names.insert(n.getName().getValue());
    return WalkResult::advance();
  });
}

/// Kind, strategy, FLOPs and bytes of an op without a strategy attribute.
void describeOp(Operation *op, std::string &kind, std::string &strategy,
                int64_t &flops, int64_t &bytes) {
  bytes = 0;
  for (Value v : op->getOperands())
    bytes = dlc::saturatingAdd(bytes, dlc::staticBytes(v.getType()));
  flops = 0;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    int64_t iterations = dlc::staticIterations(linalgOp);
    int64_t arith = 0;
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      arith = dlc::payloadArith(generic);
      bool hasIndex = !generic.getRegion().front().getOps<linalg::IndexOp>().empty();
      if (dlc::isContractionKernel(op)) {
        kind = dlc::kernelKindOf(op); // a product left to the loops
      } else if (linalgOp.getNumReductionLoops() > 0) {
        kind = "reduction";
      } else if (hasIndex || arith == 0) {
        kind = "data movement";
      } else {
        kind = "elementwise";
      }
    } else if (isa<linalg::FillOp, linalg::CopyOp, linalg::TransposeOp,
                   linalg::BroadcastOp>(op)) {
      kind = "data movement";
    } else if (linalgOp.getNumReductionLoops() > 0) {
      kind = "contraction";
      arith = 2;
    } else {
      kind = "elementwise";
    }
    flops = dlc::saturatingMul(iterations, arith);
    strategy = "loops (LLVM-vectorized)";
    return;
  }
  if (isa<memref::CopyOp>(op)) {
    kind = "data movement";
    strategy = "copy";
    return;
  }
  if (isa<scf::ParallelOp>(op)) {
    kind = "loops";
    strategy = "parallel loops";
    return;
  }
  kind = "loops";
  strategy = "serial loops";
}

/// The precision a kernel computes in: `dlc.precision` where
/// dlc-assign-precision (or a kernel strategy) recorded it; for a product
/// without it, the type its inputs are widened from; else the element type
/// of what it writes.
std::string kernelPrecision(Operation *op, StringRef kind) {
  std::string recorded;
  op->walk([&](Operation *inner) {
    if (auto a = inner->getAttrOfType<StringAttr>("dlc.precision")) {
      recorded = a.str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (!recorded.empty())
    return recorded;
  auto name = [](Type t) -> std::string {
    if (t.isF32())
      return "fp32";
    if (t.isF16())
      return "fp16";
    if (t.isBF16())
      return "bf16";
    if (t.isF64())
      return "fp64";
    std::string s;
    llvm::raw_string_ostream os(s);
    t.print(os);
    return s;
  };
  if (kind == "contraction" || kind == "convolution") {
    std::string narrow;
    op->walk([&](arith::ExtFOp e) {
      narrow = name(getElementTypeOrSelf(e.getIn().getType()));
      return WalkResult::interrupt();
    });
    if (!narrow.empty())
      return narrow;
  }
  Type written;
  if (auto d = dyn_cast<DestinationStyleOpInterface>(op);
      d && d.getNumDpsInits() > 0)
    written = getElementTypeOrSelf(d.getDpsInits()[0].getType());
  else
    op->walk([&](Operation *inner) {
      if (auto s = dyn_cast<memref::StoreOp>(inner))
        written = s.getValueToStore().getType();
      else if (auto v = dyn_cast<vector::TransferWriteOp>(inner))
        written = getElementTypeOrSelf(v.getVector().getType());
      else if (auto v = dyn_cast<vector::StoreOp>(inner))
        written = getElementTypeOrSelf(v.getValueToStore().getType());
      else
        return WalkResult::advance();
      return WalkResult::interrupt();
    });
  return written ? name(written) : std::string("-");
}

struct DescribeKernelsPass
    : dlc::impl::DescribeKernelsBase<DescribeKernelsPass> {
  using DescribeKernelsBase::DescribeKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(funcName);
    if (!fn || fn.isExternal()) {
      module.emitError() << "dlc-describe-kernels: no function '" << funcName
                         << "' with a body";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    auto i32 = b.getI32Type();
    func::FuncOp enter, exit;
    if (instrument) {
      b.setInsertionPointToStart(module.getBody());
      auto type = b.getFunctionType({i32}, {});
      for (StringRef name : {"dlc_profile_enter", "dlc_profile_exit"})
        if (!module.lookupSymbol(name))
          func::FuncOp::create(b, fn.getLoc(), name, type).setPrivate();
      enter = module.lookupSymbol<func::FuncOp>("dlc_profile_enter");
      exit = module.lookupSymbol<func::FuncOp>("dlc_profile_exit");
    }
    SmallVector<Attribute> kernels;
    SmallVector<Operation *> ops;
    for (Operation &op : fn.getBody().front())
      if (isa<linalg::LinalgOp, scf::ParallelOp, scf::ForOp, memref::CopyOp>(
              op))
        ops.push_back(&op);
    for (Operation *op : ops) {
      std::string kind, strategy;
      int64_t flops = 0, bytes = 0;
      describeOp(op, kind, strategy, flops, bytes);
      // A row kernel's loop was rebuilt by bufferization: its description
      // is on the tiled op inside.
      Operation *described = op;
      if (!op->hasAttr("dlc.kind"))
        op->walk([&](Operation *inner) {
          if (inner != op && inner->hasAttr("dlc.kind")) {
            described = inner;
            return WalkResult::interrupt();
          }
          return WalkResult::advance();
        });
      if (auto k = described->getAttrOfType<StringAttr>("dlc.kind"))
        kind = k.str();
      if (auto s = described->getAttrOfType<StringAttr>("dlc.strategy"))
        strategy = s.str();
      if (auto f = described->getAttrOfType<IntegerAttr>("dlc.flops"))
        flops = f.getInt();
      if (auto m = described->getAttrOfType<IntegerAttr>("dlc.bytes"))
        bytes = m.getInt();
      llvm::SetVector<StringRef> names;
      nodeNames(op->getLoc(), names);
      SmallVector<Attribute> nodes;
      for (StringRef n : names)
        nodes.push_back(b.getStringAttr(n));
      int64_t id = kernels.size();
      SmallVector<NamedAttribute> fields{
          b.getNamedAttr("id", b.getI64IntegerAttr(id)),
          b.getNamedAttr("nodes", b.getArrayAttr(nodes)),
          b.getNamedAttr("kind", b.getStringAttr(kind)),
          b.getNamedAttr("strategy", b.getStringAttr(strategy)),
          b.getNamedAttr("precision",
                         b.getStringAttr(kernelPrecision(op, kind))),
          b.getNamedAttr("flops", b.getI64IntegerAttr(flops)),
          b.getNamedAttr("bytes", b.getI64IntegerAttr(bytes))};
      if (auto t = described->getAttrOfType<DenseI64ArrayAttr>("dlc.tiles"))
        fields.push_back(b.getNamedAttr("tiles", t));
      kernels.push_back(b.getDictionaryAttr(fields));
      for (StringRef a : {"dlc.kind", "dlc.strategy", "dlc.flops", "dlc.bytes",
                          "dlc.tiles"})
        described->removeAttr(a);
      op->walk([](Operation *inner) { inner->removeAttr("dlc.precision"); });
      if (instrument) {
        b.setInsertionPoint(op);
        Value idv = arith::ConstantIntOp::create(b, op->getLoc(), id, 32);
        func::CallOp::create(b, op->getLoc(), enter, ValueRange{idv});
        b.setInsertionPointAfter(op);
        func::CallOp::create(b, op->getLoc(), exit, ValueRange{idv});
      }
    }
    module->setAttr("dlc.kernels", b.getArrayAttr(kernels));
  }
};

} // namespace
