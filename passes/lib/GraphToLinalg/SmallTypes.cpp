//===- SmallTypes.cpp - the storage types: float8, float4, int4, int2 ----===//
//
// The graph dialect's storage types (f8E4M3FN, f8E4M3FNUZ, f8E5M2,
// f8E5M2FNUZ, f8E8M0FNU, f4E2M1FN, i4/ui4, i2/ui2) become i8 containers
// in linalg: a float keeps its bit pattern in the low bits, an integer its
// value. Only the low bits of a container are meaningful (the runtime
// passes one element a byte and does not extend them), so every decode
// masks or sign-extends first. Arithmetic happens in f32 (floats) or i32
// (integers); the conversions are integer bit manipulation, so they lower
// on every back end without float8 support in LLVM.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <cmath>

using namespace mlir;

namespace dlc::graph_to_linalg {

namespace {

/// A small float format: `exp` exponent and `man` mantissa bits after a
/// sign bit (none for E8M0).
struct SmallFloat {
  enum Kind { IEEE, FN, FNUZ, E8M0, NoNaN } kind;
  unsigned width, exp, man;
  int bias;
  /// Largest finite magnitude code (without the sign bit).
  unsigned maxCode;
};

std::optional<SmallFloat> smallFloat(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return SmallFloat{SmallFloat::FN, 8, 4, 3, 7, 0x7E};
  if (isa<Float8E4M3FNUZType>(t))
    return SmallFloat{SmallFloat::FNUZ, 8, 4, 3, 8, 0x7F};
  if (isa<Float8E5M2Type>(t))
    return SmallFloat{SmallFloat::IEEE, 8, 5, 2, 15, 0x7B};
  if (isa<Float8E5M2FNUZType>(t))
    return SmallFloat{SmallFloat::FNUZ, 8, 5, 2, 16, 0x7F};
  if (isa<Float4E2M1FNType>(t))
    return SmallFloat{SmallFloat::NoNaN, 4, 2, 1, 1, 0x7};
  if (isa<Float8E8M0FNUType>(t))
    return SmallFloat{SmallFloat::E8M0, 8, 8, 0, 127, 0xFE};
  return std::nullopt;
}

struct Ints {
  OpBuilder &b;
  Location loc;
  Type i32;
  Value c(int64_t v) {
    return arith::ConstantOp::create(b, loc, IntegerAttr::get(i32, v));
  }
  Value shl(Value x, int64_t s) {
    return arith::ShLIOp::create(b, loc, x, c(s));
  }
  Value shr(Value x, int64_t s) {
    return arith::ShRUIOp::create(b, loc, x, c(s));
  }
  Value band(Value x, int64_t m) {
    return arith::AndIOp::create(b, loc, x, c(m));
  }
  Value bor(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value eq(Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, c(v));
  }
  Value cmp(arith::CmpIPredicate p, Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, p, x, c(v));
  }
  Value sel(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value f32(Value bits) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
  }
  Value fc(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
};

/// The f32 value of a small-float code (an i8 container).
Value decodeFloat(OpBuilder &b, Location loc, Value x8, const SmallFloat &f) {
  Ints I{b, loc, b.getI32Type()};
  Value c =
      I.band(arith::ExtUIOp::create(b, loc, I.i32, x8), (1 << f.width) - 1);
  if (f.kind == SmallFloat::E8M0) {
    Value normal = I.f32(I.shl(c, 23));
    Value value = I.sel(I.eq(c, 0), I.f32(I.c(0x00400000)), normal);
    return I.sel(I.eq(c, 0xFF), I.fc(NAN), value);
  }
  Value sign = I.band(I.shr(c, f.width - 1), 1);
  Value e = I.band(I.shr(c, f.man), (1 << f.exp) - 1);
  Value m = I.band(c, (1 << f.man) - 1);
  Value normalBits =
      I.bor(I.shl(sign, 31), I.bor(I.shl(I.add(e, I.c(127 - f.bias)), 23),
                                   I.shl(m, 23 - f.man)));
  Value sub = arith::MulFOp::create(
      b, loc, arith::SIToFPOp::create(b, loc, b.getF32Type(), m),
      I.fc(std::ldexp(1.0, 1 - f.bias - int(f.man))));
  sub = I.sel(I.eq(sign, 1), arith::NegFOp::create(b, loc, sub), sub);
  Value value = I.sel(I.eq(e, 0), sub, I.f32(normalBits));
  switch (f.kind) {
  case SmallFloat::FN:
    return I.sel(I.eq(I.band(c, 0x7F), 0x7F), I.fc(NAN), value);
  case SmallFloat::FNUZ:
    return I.sel(I.eq(c, 0x80), I.fc(NAN), value);
  case SmallFloat::IEEE: {
    Value special = I.eq(e, (1 << f.exp) - 1);
    Value inf = I.sel(I.eq(sign, 1), I.fc(-INFINITY), I.fc(INFINITY));
    Value sp = I.sel(I.eq(m, 0), inf, I.fc(NAN));
    return I.sel(special, sp, value);
  }
  default:
    return value;
  }
}

/// The small-float code (an i8 container) of an f32: round to nearest
/// even; out of range values (and infinities) saturate to the largest
/// finite value, or without `saturate` become infinity (E5M2) or NaN.
Value encodeFloat(OpBuilder &b, Location loc, Value v, const SmallFloat &f,
                  const CastMode &mode) {
  Ints I{b, loc, b.getI32Type()};
  Value u = arith::BitcastOp::create(b, loc, I.i32, v);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  Value a = I.band(u, 0x7FFFFFFF);
  Value code;
  if (f.kind == SmallFloat::E8M0) {
    Value e = I.shr(a, 23);
    Value mant = I.band(a, 0x7FFFFF);
    Value ext = I.c(0);
    if (mode.round == CastMode::Round::Up)
      ext = arith::ExtUIOp::create(b, loc, I.i32,
                                   I.cmp(arith::CmpIPredicate::ne, mant, 0));
    else if (mode.round == CastMode::Round::Nearest)
      ext = arith::ExtUIOp::create(
          b, loc, I.i32, I.cmp(arith::CmpIPredicate::uge, mant, 0x400000));
    Value r = I.add(e, ext);
    Value over = I.cmp(arith::CmpIPredicate::sgt, r, 0xFE);
    code = I.sel(over, I.c(mode.saturate ? 0xFE : 0xFF), r);
    code = I.sel(isNan, I.c(0xFF), code);
    return arith::TruncIOp::create(b, loc, b.getI8Type(), code);
  }
  Value sign = I.shr(u, 31);
  // Normal numbers: round the f32 mantissa to `man` bits (ties to even)
  // and rebias the exponent.
  unsigned shift = 23 - f.man;
  Value r =
      I.add(a, I.add(I.c((1 << (shift - 1)) - 1), I.band(I.shr(a, shift), 1)));
  Value normal = arith::SubIOp::create(b, loc, I.shr(r, shift),
                                       I.c((127 - f.bias) << f.man));
  // Subnormals (below the smallest normal 2^(1-bias)): a multiple of the
  // smallest subnormal, rounded to even.
  Value af = I.f32(a);
  Value scaled = arith::MulFOp::create(
      b, loc, af, I.fc(std::ldexp(1.0, f.bias - 1 + int(f.man))));
  Value sub = arith::FPToSIOp::create(
      b, loc, I.i32, math::RoundEvenOp::create(b, loc, scaled));
  Value isSub = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, af,
                                      I.fc(std::ldexp(1.0, 1 - f.bias)));
  code = I.sel(isSub, sub, normal);
  unsigned nanCode = f.kind == SmallFloat::FNUZ    ? 0x80
                     : f.kind == SmallFloat::IEEE  ? 0x7E
                     : f.kind == SmallFloat::NoNaN ? 0x8
                                                   : 0x7F;
  unsigned overflow = mode.saturate || f.kind == SmallFloat::NoNaN ? f.maxCode
                      : f.kind == SmallFloat::IEEE                 ? 0x7C
                                                                   : nanCode;
  Value over = I.cmp(arith::CmpIPredicate::sgt, code, f.maxCode);
  code = I.sel(over, I.c(overflow), code);
  Value signed_ = I.bor(code, I.shl(sign, f.width - 1));
  if (f.kind == SmallFloat::FNUZ) {
    // No negative zero; the overflow NaN carries no sign either.
    Value plain = arith::OrIOp::create(b, loc, I.eq(code, 0), I.eq(code, 0x80));
    signed_ = I.sel(plain, code, signed_);
  }
  code = I.sel(isNan, I.c(nanCode), signed_);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), code);
}

bool isSubByteInt(Type t) {
  auto i = dyn_cast<IntegerType>(t);
  return i && i.getWidth() < 8 && i.getWidth() > 1;
}

} // namespace

bool isStorageElement(Type element) {
  return smallFloat(element).has_value() || isSubByteInt(element);
}

Value decodeStorage(OpBuilder &b, Location loc, Value x, Type storage) {
  if (std::optional<SmallFloat> f = smallFloat(storage))
    return decodeFloat(b, loc, x, *f);
  // A 4-bit or 2-bit integer: sign- or zero-extend its low bits.
  Type i32 = b.getI32Type();
  unsigned width = storage.getIntOrFloatBitWidth();
  Ints I{b, loc, i32};
  Value wide = arith::ExtUIOp::create(b, loc, i32, x);
  if (storage.isUnsignedInteger())
    return I.band(wide, (1 << width) - 1);
  Value up = I.shl(wide, 32 - width);
  return arith::ShRSIOp::create(b, loc, up, I.c(32 - width));
}

Type decodedType(OpBuilder &b, Type storage) {
  return smallFloat(storage) ? Type(b.getF32Type()) : Type(b.getI32Type());
}

Value encodeStorage(OpBuilder &b, Location loc, Value v, Type storage,
                    const CastMode &mode) {
  if (std::optional<SmallFloat> f = smallFloat(storage))
    return encodeFloat(b, loc, v, *f, mode);
  // A 4-bit or 2-bit integer from an i32: the low bits (two's complement
  // wrap-around, as ONNX's reference casts do), sign- or zero-extended.
  unsigned width = storage.getIntOrFloatBitWidth();
  Ints I{b, loc, b.getI32Type()};
  Value r;
  if (storage.isUnsignedInteger())
    r = I.band(v, (1 << width) - 1);
  else
    r = arith::ShRSIOp::create(b, loc, I.shl(v, 32 - width), I.c(32 - width));
  return arith::TruncIOp::create(b, loc, b.getI8Type(), r);
}

Value castStorageScalar(OpBuilder &b, Location loc, Value x, Type from, Type to,
                        const CastMode &mode) {
  Value v = x;
  Type vType = from;
  if (isStorageElement(from)) {
    v = decodeStorage(b, loc, x, from);
    vType = decodedType(b, from);
  }
  if (!isStorageElement(to))
    return castScalar(b, loc, v, vType, to);
  Type want = decodedType(b, to);
  return encodeStorage(b, loc, castScalar(b, loc, v, vType, want), to, mode);
}

} // namespace dlc::graph_to_linalg
