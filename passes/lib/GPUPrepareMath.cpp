//===- GPUPrepareMath.cpp - math that every GPU back end can lower --------===//
//
// Kernels must not call libdevice (__nv_*) or the ROCm device libraries
// (__ocml_*): math ops are rewritten into arithmetic plus the few
// intrinsics that NVPTX and AMDGPU select natively.
//
//===----------------------------------------------------------------------===//

#include "dlc/Passes/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <limits>

namespace dlc {
#define GEN_PASS_DEF_GPUPREPAREMATH
#include "dlc/Passes/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Math ops that both GPU back ends lower to instructions for any float
/// type (through convert-math-to-llvm's intrinsics).
bool isNativeOnGPU(Operation *op) {
  return isa<math::SqrtOp, math::AbsFOp, math::AbsIOp, math::FmaOp,
             math::FloorOp, math::CeilOp, math::RoundOp, math::RoundEvenOp,
             math::TruncOp, math::CopySignOp, math::CountLeadingZerosOp,
             math::CountTrailingZerosOp, math::CtPopOp, math::IsNaNOp,
             math::IsInfOp, math::IsFiniteOp>(op);
}

/// Integer power by squaring over the exponent's bits (a fixed trip count,
/// no data-dependent loop): math.ipowi semantics, including negative
/// exponents (1 for base 1, +-1 for base -1, else 0).
struct ExpandIPowI : OpRewritePattern<math::IPowIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::IPowIOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<IntegerType>(op.getType());
    if (!type)
      return failure();
    Location loc = op.getLoc();
    unsigned width = type.getWidth();
    auto c = [&](int64_t v) {
      return arith::ConstantIntOp::create(rewriter, loc, type, v).getResult();
    };
    Value base = op.getLhs(), exp = op.getRhs();
    Value zero = c(0), one = c(1);
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, width);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, lb, ub, step, ValueRange{one, base, exp},
        [&](OpBuilder &b, Location l, Value, ValueRange it) {
          Value result = it[0], sq = it[1], e = it[2];
          Value bit = arith::AndIOp::create(b, l, e, one);
          Value odd =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, bit, zero);
          Value mul = arith::MulIOp::create(b, l, result, sq);
          result = arith::SelectOp::create(b, l, odd, mul, result);
          sq = arith::MulIOp::create(b, l, sq, sq);
          e = arith::ShRUIOp::create(b, l, e, one);
          scf::YieldOp::create(b, l, ValueRange{result, sq, e});
        });
    Value positive = loop.getResult(0);
    // Negative exponents.
    Value negExp =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, exp,
                              zero);
    Value isOne =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, base,
                              one);
    Value isMinusOne =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, base,
                              c(-1));
    Value expOdd = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(rewriter, loc, exp, one), zero);
    Value minusOnePow =
        arith::SelectOp::create(rewriter, loc, expOdd, c(-1), one);
    Value negative = arith::SelectOp::create(
        rewriter, loc, isOne, one,
        arith::SelectOp::create(rewriter, loc, isMinusOne, minusOnePow, zero));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, negExp, negative,
                                                 positive);
    return success();
  }
};

/// Helpers for the f64 rewrites: scalar f64 constants and arithmetic.
struct F64Builder {
  PatternRewriter &b;
  Location loc;
  Value cst(double v) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  }
  Value i64(int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value fma(Value x, Value y, Value z) {
    return math::FmaOp::create(b, loc, x, y, z);
  }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  /// 2^k for an i64 k in the normal exponent range.
  Value pow2(Value k) {
    Value biased = arith::AddIOp::create(b, loc, k, i64(1023));
    Value bits = arith::ShLIOp::create(b, loc, biased, i64(52));
    return arith::BitcastOp::create(b, loc, b.getF64Type(), bits);
  }
};

/// exp on f64: x = k ln2 + r with |r| <= ln2/2 (ln2 split in two parts),
/// exp(r) by its Taylor series to r^13 (error below 1 ulp), times 2^k
/// applied in two halves so that results near the subnormal range are
/// still right.
struct ExpandExpF64 : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF64())
      return failure();
    F64Builder f{rewriter, op.getLoc()};
    Value x = op.getOperand();
    // Clamp so that k stays in range; the result saturates anyway.
    Value xc = arith::MaximumFOp::create(
        rewriter, f.loc,
        arith::MinimumFOp::create(rewriter, f.loc, x, f.cst(710.0)),
        f.cst(-746.0));
    Value kf = math::RoundEvenOp::create(
        rewriter, f.loc, f.mul(xc, f.cst(1.4426950408889634)));
    Value r = f.fma(kf, f.cst(-6.93147180369123816490e-01), xc);
    r = f.fma(kf, f.cst(-1.90821492927058770002e-10), r);
    // Horner: sum r^n / n!, n = 0..13.
    Value p = f.cst(1.0 / 6227020800.0);
    double factorial = 6227020800.0;
    for (int n = 12; n >= 0; --n) {
      factorial /= (n + 1);
      p = f.fma(p, r, f.cst(1.0 / factorial));
    }
    Value k = arith::FPToSIOp::create(rewriter, f.loc, rewriter.getI64Type(),
                                      kf);
    Value half = arith::ShRSIOp::create(rewriter, f.loc, k, f.i64(1));
    Value rest = arith::SubIOp::create(rewriter, f.loc, k, half);
    Value result = f.mul(f.mul(p, f.pow2(half)), f.pow2(rest));
    Value inf = f.cst(std::numeric_limits<double>::infinity());
    result = f.select(f.cmp(arith::CmpFPredicate::OGT, x, f.cst(709.78)),
                      inf, result);
    result = f.select(f.cmp(arith::CmpFPredicate::OLT, x, f.cst(-745.2)),
                      f.cst(0.0), result);
    // NaN propagates.
    result = f.select(f.cmp(arith::CmpFPredicate::UNO, x, x), x, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// log on f64: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(m) =
/// 2 atanh(s) with s = (m-1)/(m+1), |s| < 0.1716, by its odd series to
/// s^27; subnormals are scaled by 2^54 first.
struct ExpandLogF64 : OpRewritePattern<math::LogOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::LogOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF64())
      return failure();
    F64Builder f{rewriter, op.getLoc()};
    Location loc = f.loc;
    Value x = op.getOperand();
    Value tiny = f.cmp(arith::CmpFPredicate::OLT, x,
                       f.cst(2.2250738585072014e-308));
    Value scaled = f.select(tiny, f.mul(x, f.cst(18014398509481984.0)), x);
    Value extra = f.select(tiny, f.cst(-54.0), f.cst(0.0));
    Type i64 = rewriter.getI64Type();
    Value bits = arith::BitcastOp::create(rewriter, loc, i64, scaled);
    Value expBits = arith::AndIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, bits, f.i64(52)),
        f.i64(0x7ff));
    Value e = arith::SubIOp::create(rewriter, loc, expBits, f.i64(1023));
    Value mantBits = arith::OrIOp::create(
        rewriter, loc,
        arith::AndIOp::create(rewriter, loc, bits,
                              f.i64(0x000fffffffffffffLL)),
        f.i64(0x3ff0000000000000LL));
    Value m = arith::BitcastOp::create(rewriter, loc, rewriter.getF64Type(),
                                       mantBits); // [1, 2)
    Value big = f.cmp(arith::CmpFPredicate::OGT, m, f.cst(1.4142135623730951));
    m = f.select(big, f.mul(m, f.cst(0.5)), m);
    Value ef = arith::SIToFPOp::create(rewriter, loc, rewriter.getF64Type(), e);
    ef = f.add(f.add(ef, f.select(big, f.cst(1.0), f.cst(0.0))), extra);
    Value sden = f.add(m, f.cst(1.0));
    Value s = arith::DivFOp::create(rewriter, loc, f.sub(m, f.cst(1.0)), sden);
    Value s2 = f.mul(s, s);
    Value p = f.cst(1.0 / 27.0);
    for (int n = 25; n >= 1; n -= 2)
      p = f.fma(p, s2, f.cst(1.0 / n));
    Value logm = f.mul(f.mul(f.cst(2.0), s), p);
    Value result = f.fma(ef, f.cst(6.93147180369123816490e-01),
                         f.fma(ef, f.cst(1.90821492927058770002e-10), logm));
    double inf = std::numeric_limits<double>::infinity();
    double nan = std::numeric_limits<double>::quiet_NaN();
    result = f.select(f.cmp(arith::CmpFPredicate::OEQ, x, f.cst(0.0)),
                      f.cst(-inf), result);
    result = f.select(f.cmp(arith::CmpFPredicate::OLT, x, f.cst(0.0)),
                      f.cst(nan), result);
    result = f.select(f.cmp(arith::CmpFPredicate::OEQ, x, f.cst(inf)),
                      f.cst(inf), result);
    result = f.select(f.cmp(arith::CmpFPredicate::UNO, x, x), x, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Math ops the GPU back ends select natively become calls of the LLVM
/// intrinsic itself: convert-gpu-to-nvvm/rocdl would otherwise turn them
/// into libdevice/OCML calls (__nv_sqrtf, __ocml_floor_f32), which the
/// kernels cannot link.
template <typename MathOp>
struct ToLLVMIntrinsic : OpRewritePattern<MathOp> {
  ToLLVMIntrinsic(MLIRContext *ctx, StringRef name)
      : OpRewritePattern<MathOp>(ctx), name(name) {}
  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getType();
    if (!isa<FloatType>(t))
      return failure();
    std::string suffix = t.isF32() ? "f32" : t.isF64() ? "f64"
                         : t.isF16() ? "f16" : "";
    if (suffix.empty())
      return failure();
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, t, rewriter.getStringAttr(name + "." + suffix),
        ValueRange(op->getOperands()));
    return success();
  }
  std::string name;
};

/// x mod y (C fmod) as x - trunc(x / y) * y, so that no library call is
/// needed; exact while the quotient is below 2^24 (f32).
struct ExpandRemF : OpRewritePattern<arith::RemFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::RemFOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value q = arith::DivFOp::create(rewriter, loc, op.getLhs(), op.getRhs());
    Value t = math::TruncOp::create(rewriter, loc, q);
    Value p = arith::MulFOp::create(rewriter, loc, t, op.getRhs());
    rewriter.replaceOpWithNewOp<arith::SubFOp>(op, op.getLhs(), p);
    return success();
  }
};

struct GPUPrepareMathPass
    : dlc::impl::GPUPrepareMathBase<GPUPrepareMathPass> {
  using GPUPrepareMathBase::GPUPrepareMathBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    // tanh keeps its own approximation (more accurate near 0 than the
    // exp-based expansion).
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "powf",
                   "fpowi", "rsqrt", "exp2", "ipowi"});
    auto all = [](StringRef) { return true; };
    populateMathF32ExpansionPatterns(patterns, all);
    populateMathPolynomialApproximationPatterns(patterns, all);
    patterns.add<ExpandIPowI, ExpandExpF64, ExpandLogF64, ExpandRemF>(ctx);
    FrozenRewritePatternSet frozen(std::move(patterns));
    // A second round, once the rewrites above have settled.
    RewritePatternSet intrinsics(ctx);
    intrinsics.add<ToLLVMIntrinsic<math::SqrtOp>>(ctx, "llvm.sqrt");
    intrinsics.add<ToLLVMIntrinsic<math::AbsFOp>>(ctx, "llvm.fabs");
    intrinsics.add<ToLLVMIntrinsic<math::CopySignOp>>(ctx, "llvm.copysign");
    intrinsics.add<ToLLVMIntrinsic<math::FloorOp>>(ctx, "llvm.floor");
    intrinsics.add<ToLLVMIntrinsic<math::CeilOp>>(ctx, "llvm.ceil");
    intrinsics.add<ToLLVMIntrinsic<math::TruncOp>>(ctx, "llvm.trunc");
    intrinsics.add<ToLLVMIntrinsic<math::RoundOp>>(ctx, "llvm.round");
    intrinsics.add<ToLLVMIntrinsic<math::RoundEvenOp>>(ctx, "llvm.roundeven");
    FrozenRewritePatternSet frozenIntrinsics(std::move(intrinsics));

    SmallVector<Operation *> roots;
    getOperation().walk([&](Operation *op) {
      if (isa<gpu::LaunchOp, gpu::GPUModuleOp>(op))
        roots.push_back(op);
      return isa<gpu::LaunchOp, gpu::GPUModuleOp>(op) ? WalkResult::skip()
                                                      : WalkResult::advance();
    });
    for (Operation *root : roots) {
      if (failed(applyPatternsGreedily(root, frozen))) {
        root->emitError("dlc-gpu-prepare-math: rewriting did not converge");
        return signalPassFailure();
      }
      if (failed(applyPatternsGreedily(root, frozenIntrinsics))) {
        root->emitError("dlc-gpu-prepare-math: rewriting did not converge");
        return signalPassFailure();
      }
      WalkResult result = root->walk([&](Operation *op) {
        if (op->getDialect() && op->getDialect()->getNamespace() == "math" &&
            !isNativeOnGPU(op)) {
          Type t = op->getNumResults() ? op->getResult(0).getType() : Type();
          op->emitError() << "'" << op->getName()
                          << "' on " << t
                          << " is not supported by the GPU targets yet";
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return signalPassFailure();
    }
  }
};

} // namespace
