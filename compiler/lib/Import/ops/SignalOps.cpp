//===- SignalOps.cpp - ONNX windows, DFT and STFT as graph ops ------------===//
//
// HannWindow, HammingWindow, BlackmanWindow (opset 17): folded to a
// constant at import; the size must be a constant.
//
// DFT (opset 17, 20; the axis an attribute before 20, an input from 20): a
// matrix product with a constant cos/sin matrix. The signal axis is moved
// next to the trailing real/complex dimension and flattened with it, so the
// DFT of [..., L, C] (C = 1 real, 2 complex) is [M, L * C] x [L * C, K * C']
// with K the output bins (n, or n / 2 + 1 when onesided) and C' = 2 (1 for
// the inverse of a onesided spectrum). dft_length pads (no rows) or
// truncates (zero rows) the signal to n; the inverse scales by 1 / n and,
// onesided, rebuilds the Hermitian half as numpy.fft.irfft does.
//
// STFT (opset 17): the frames are one Gather of the signal along its time
// axis, times the window, then the DFT matrix over frame_length.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "../TensorImport.h"
#include "Compose.h"

#include "llvm/Support/Error.h"
#include <cmath>

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

/// A constant of `shape` and float `element` holding `values`.
Value floatConstant(NodeImporter &n, ArrayRef<int64_t> shape, Type element,
                    ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, element);
  if (element.isF64())
    return n.constant(DenseElementsAttr::get(type, values));
  if (element.isF32()) {
    SmallVector<float> f(values.begin(), values.end());
    return n.constant(DenseElementsAttr::get(type, ArrayRef<float>(f)));
  }
  auto ft = cast<FloatType>(element);
  SmallVector<APFloat> f;
  for (double v : values) {
    APFloat a(v);
    bool lost;
    a.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    f.push_back(a);
  }
  return n.constant(DenseElementsAttr::get(type, f));
}

//===----------------------------------------------------------------------===//
// Windows
//===----------------------------------------------------------------------===//

enum class Window { Hann, Hamming, Blackman };

template <Window W> LogicalResult importWindow(NodeImporter &n) {
  StringRef name = W == Window::Hann      ? "HannWindow"
                   : W == Window::Hamming ? "HammingWindow"
                                          : "BlackmanWindow";
  FailureOr<int64_t> periodic = n.getInt("periodic", 1);
  FailureOr<int64_t> dtype = n.getInt("output_datatype", 1);
  if (failed(periodic) || failed(dtype) || failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<SmallVector<int64_t>> size = n.constantInts(0, "size");
  if (failed(size))
    return failure();
  if (size->size() != 1 || (*size)[0] < 0)
    return n.emitError() << name << " size must be one non-negative integer";
  if (*dtype < 0 || *dtype > std::numeric_limits<int32_t>::max())
    return n.emitError() << name
                         << " output_datatype is not a data type: " << *dtype;
  llvm::Expected<Type> out =
      convertElementType(n.context(), static_cast<int32_t>(*dtype));
  if (!out)
    return n.emitError() << name << " output_datatype "
                         << llvm::toString(out.takeError());
  if (!isa<FloatType, IntegerType>(*out) || out->isInteger(1))
    return n.emitError() << name << " output_datatype must be numeric, got "
                         << *out;
  int64_t count = (*size)[0];
  // Folded into a constant: bounded like any tensor the importer builds.
  if (count > (int64_t(1) << 26))
    return n.emitError() << name << " size " << count
                         << " is over dlc's limit of 2^26 elements for a "
                            "window folded at compile time";
  double denom = *periodic ? double(count) : double(count - 1);
  SmallVector<double> values;
  for (int64_t k = 0; k < count; ++k) {
    double a = denom > 0 ? 2 * M_PI * double(k) / denom : 0.0;
    if (W == Window::Hann)
      values.push_back(0.5 - 0.5 * std::cos(a));
    else if (W == Window::Hamming)
      values.push_back(25.0 / 46.0 - 21.0 / 46.0 * std::cos(a));
    else
      values.push_back(0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2 * a));
  }
  Type f64 = n.builder().getF64Type();
  Value v = floatConstant(n, {count}, f64, values);
  return setCreated(n, castTo(n, v, *out));
}

//===----------------------------------------------------------------------===//
// DFT
//===----------------------------------------------------------------------===//

struct DftSpec {
  int64_t inLen = 0;     // L: signal entries along the axis
  int64_t inComplex = 1; // C
  int64_t n = 0;         // DFT length
  bool inverse = false, onesided = false;
};

/// Output bins and output components of the transform.
std::pair<int64_t, int64_t> dftOutShape(const DftSpec &s) {
  if (s.inverse && s.onesided)
    return {s.n, 1};
  return {s.onesided ? s.n / 2 + 1 : s.n, 2};
}

/// The [L * C, K * C'] matrix of the transform.
SmallVector<double> dftMatrix(const DftSpec &s) {
  auto [bins, outC] = dftOutShape(s);
  SmallVector<double> m(s.inLen * s.inComplex * bins * outC, 0.0);
  auto at = [&](int64_t j, int64_t c, int64_t k, int64_t oc) -> double & {
    return m[((j * s.inComplex + c) * bins + k) * outC + oc];
  };
  double scale = s.inverse ? 1.0 / double(s.n) : 1.0;
  for (int64_t j = 0; j < s.inLen && j < s.n; ++j) {
    if (s.inverse && s.onesided && j > s.n / 2)
      break;
    for (int64_t k = 0; k < bins; ++k) {
      // Reduce j * k mod n in integers for accuracy; quarter turns exact.
      int64_t r = (j * k) % s.n;
      double a = 2 * M_PI * double(r) / double(s.n);
      double cs = std::cos(a), sn = std::sin(a);
      if ((4 * r) % s.n == 0) {
        static const double quarterCos[] = {1, 0, -1, 0};
        cs = quarterCos[4 * r / s.n];
        sn = quarterCos[(4 * r / s.n + 3) % 4];
      }
      if (s.inverse && s.onesided) {
        // y[k] = 1/n sum_j w_j (Xr_j cos - Xi_j sin), w = 1 at 0 and n/2.
        double w = (j == 0 || 2 * j == s.n) ? 1.0 : 2.0;
        at(j, 0, k, 0) = w * cs * scale;
        if (s.inComplex == 2)
          at(j, 1, k, 0) = -w * sn * scale + 0.0;
        continue;
      }
      double sign = s.inverse ? 1.0 : -1.0; // e^{sign i a}
      at(j, 0, k, 0) = cs * scale;
      at(j, 0, k, 1) = sign * sn * scale + 0.0; // no -0 entries
      if (s.inComplex == 2) {
        at(j, 1, k, 0) = -sign * sn * scale + 0.0;
        at(j, 1, k, 1) = cs * scale;
      }
    }
  }
  return m;
}

/// The transform of `x` ([..., L, C]) along its second-last dimension:
/// [..., K, C'].
FailureOr<Value> dftLastAxis(NodeImporter &n, Value x, const DftSpec &s) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> lead(t.getShape().drop_back(2));
  int64_t rows = 1;
  for (int64_t d : lead)
    rows *= d;
  auto [bins, outC] = dftOutShape(s);
  Value m = floatConstant(n, {s.inLen * s.inComplex, bins * outC},
                          t.getElementType(), dftMatrix(s));
  FailureOr<Value> flat = reshape(n, x, {rows, s.inLen * s.inComplex});
  FailureOr<Value> y;
  if (succeeded(flat))
    y = n.create<graph::MatMulOp>(ValueRange{*flat, m});
  if (failed(y))
    return failure();
  SmallVector<int64_t> shape(lead);
  shape.append({bins, outC});
  return reshape(n, *y, shape);
}

LogicalResult checkSignal(NodeImporter &n, StringRef op, RankedTensorType t,
                          int64_t minRank) {
  if (!isa<FloatType>(t.getElementType()))
    return n.emitError() << op << " input must be a float tensor, got " << t;
  if (!t.hasStaticShape() || t.getRank() < minRank)
    return n.emitError() << op << " input must be a static tensor of rank >= "
                         << minRank << ", got " << t;
  int64_t c = t.getShape().back();
  if (c != 1 && c != 2)
    return n.emitError() << op
                         << " input's last dimension must be 1 (real) "
                            "or 2 (complex), got "
                         << c;
  return success();
}

/// An optional scalar integer input that must be a constant.
FailureOr<std::optional<int64_t>> optionalScalar(NodeImporter &n, size_t i,
                                                 StringRef what) {
  if (!n.hasInput(i))
    return std::optional<int64_t>();
  FailureOr<SmallVector<int64_t>> v = n.constantInts(i, what);
  if (failed(v))
    return failure();
  if (v->size() != 1) {
    n.emitError() << "input '" << what << "' must be a single integer";
    return failure();
  }
  return std::optional<int64_t>((*v)[0]);
}

LogicalResult importDFT(NodeImporter &n) {
  FailureOr<int64_t> inverse = n.getInt("inverse", 0);
  FailureOr<int64_t> onesided = n.getInt("onesided", 0);
  FailureOr<int64_t> axisAttr = n.getInt("axis", 1);
  if (failed(inverse) || failed(onesided) || failed(axisAttr) ||
      failed(n.checkInputCount(1, n.opset() >= 20 ? 3 : 2)) ||
      failed(n.requireInput(0)))
    return failure();
  RankedTensorType t = n.inputType(0);
  if (failed(checkSignal(n, "DFT", t, 2)))
    return failure();
  int64_t rank = t.getRank();
  int64_t axis = *axisAttr;
  if (n.opset() >= 20) {
    FailureOr<std::optional<int64_t>> a = optionalScalar(n, 2, "axis");
    if (failed(a))
      return failure();
    axis = a->value_or(-2);
  }
  if (axis < -rank || axis >= rank)
    return n.emitError() << "DFT axis " << axis << " is out of range for rank "
                         << rank;
  axis = (axis + rank) % rank;
  if (axis == rank - 1)
    return n.emitError() << "DFT axis must not be the last (real/complex) "
                            "dimension";
  DftSpec s;
  s.inLen = t.getDimSize(axis);
  s.inComplex = t.getShape().back();
  s.inverse = *inverse != 0;
  s.onesided = *onesided != 0;
  FailureOr<std::optional<int64_t>> len = optionalScalar(n, 1, "dft_length");
  if (failed(len))
    return failure();
  s.n = len->value_or(s.inverse && s.onesided ? 2 * (s.inLen - 1) : s.inLen);
  if (s.n < 1)
    return n.emitError() << "DFT length must be positive, got " << s.n;
  // The transform is a product with a dense n x n cos/sin matrix.
  if (s.n > 8192 || s.inLen > 8192)
    return n.emitError() << "DFT length " << std::max(s.n, s.inLen)
                         << " is over dlc's limit of 8192 (the transform is "
                            "a product with a dense n x n matrix)";
  if (s.onesided && !s.inverse && s.inComplex == 2)
    return n.emitError() << "DFT onesided needs a real input (last "
                            "dimension 1)";
  // Move the axis next to the real/complex dimension.
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.append({axis, rank - 1});
  bool moved = axis != rank - 2;
  FailureOr<Value> x = n.input(0);
  if (moved)
    x = transpose(n, *x, perm);
  if (succeeded(x))
    x = dftLastAxis(n, *x, s);
  if (succeeded(x) && moved) {
    SmallVector<int64_t> inv(rank);
    for (int64_t d = 0; d < rank; ++d)
      inv[perm[d]] = d;
    x = transpose(n, *x, inv);
  }
  return setCreated(n, x);
}

//===----------------------------------------------------------------------===//
// STFT
//===----------------------------------------------------------------------===//

LogicalResult importSTFT(NodeImporter &n) {
  FailureOr<int64_t> onesided = n.getInt("onesided", 1);
  if (failed(onesided) || failed(n.checkInputCount(2, 4)) ||
      failed(n.requireInput(0)))
    return failure();
  RankedTensorType t = n.inputType(0);
  if (failed(checkSignal(n, "STFT", t, 3)))
    return failure();
  if (t.getRank() != 3)
    return n.emitError() << "STFT signal must be [batch, length, 1 or 2], "
                            "got "
                         << t;
  FailureOr<std::optional<int64_t>> step = optionalScalar(n, 1, "frame_step");
  FailureOr<std::optional<int64_t>> flen = optionalScalar(n, 3, "frame_length");
  if (failed(step) || failed(flen))
    return failure();
  if (!*step || **step <= 0)
    return n.emitError() << "STFT frame_step must be a positive constant";
  int64_t frameLen = 0;
  if (n.hasInput(2)) {
    RankedTensorType w = n.inputType(2);
    if (w.getRank() != 1 || !w.hasStaticShape() ||
        w.getElementType() != t.getElementType())
      return n.emitError() << "STFT window must be 1-D of the signal's "
                              "element type, got "
                           << w;
    frameLen = w.getDimSize(0);
    if (*flen && **flen != frameLen)
      return n.emitError() << "STFT frame_length " << **flen
                           << " differs from the window's length " << frameLen;
  } else if (*flen) {
    frameLen = **flen;
  } else {
    return n.emitError() << "STFT needs a window or a frame_length";
  }
  int64_t length = t.getDimSize(1), comps = t.getDimSize(2);
  if (frameLen <= 0 || frameLen > length)
    return n.emitError() << "STFT frame length " << frameLen
                         << " must be in [1, " << length << "]";
  if (frameLen > 8192)
    return n.emitError() << "STFT frame length " << frameLen
                         << " is over dlc's limit of 8192 (the transform is "
                            "a product with a dense matrix)";
  if (*onesided && comps == 2)
    return n.emitError() << "STFT onesided needs a real signal";
  int64_t frames = 1 + (length - frameLen) / **step;
  SmallVector<int64_t> idx;
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t j = 0; j < frameLen; ++j)
      idx.push_back(f * **step + j);
  Value indices = n.constant(DenseElementsAttr::get(
      RankedTensorType::get({frames, frameLen}, n.builder().getI64Type()),
      ArrayRef<int64_t>(idx)));
  // [batch, frames, frameLen, C]
  FailureOr<Value> x = n.create<graph::GatherOp>(
      ValueRange{n.input(0), indices}, {n.i64Attr("axis", 1)});
  if (succeeded(x) && n.hasInput(2)) {
    FailureOr<Value> w = reshape(n, n.input(2), {frameLen, 1});
    x = failed(w) ? w : n.create<graph::MulOp>(ValueRange{*x, *w});
  }
  if (failed(x))
    return failure();
  DftSpec s;
  s.inLen = frameLen;
  s.inComplex = comps;
  s.n = frameLen;
  s.onesided = *onesided != 0;
  return setCreated(n, dftLastAxis(n, *x, s));
}

} // namespace

void dlc::registerSignalOps(OpTable &t) {
  t.add("HannWindow", 17, kMaxOpset, importWindow<Window::Hann>);
  t.add("HammingWindow", 17, kMaxOpset, importWindow<Window::Hamming>);
  t.add("BlackmanWindow", 17, kMaxOpset, importWindow<Window::Blackman>);
  t.add("DFT", 17, kMaxOpset, importDFT);
  t.add("STFT", 17, kMaxOpset, importSTFT);
}
