//===- RecurrentOps.cpp - ONNX RNN, GRU and LSTM as graph ops -------------===//
//
// RNN, GRU and LSTM over a static sequence length, unrolled at import:
//   1. X (layout 0: [T, B, I]; layout 1: [B, T, I]) is brought to [T, B, I]
//      and multiplied by W^T of each direction for all steps in one MatMul;
//      the biases (Wb + Rb, except GRU's Rbh with linear_before_reset) are
//      added there.
//   2. Each step adds h R^T (a Gemm with trans_b, reading R in place) to its
//      row of X W^T and applies the gates with the node's activations (clip
//      bounds their inputs); LSTM adds the peepholes P.
//   3. sequence_lens masks the steps past a batch entry's length: its state
//      is kept and its output is 0 (an entry of length 0 ends with zero
//      states, as in onnxruntime). The reverse direction walks each batch
//      entry from its own last step: with lengths below T (a constant) the
//      rows of X W^T and of the outputs are permuted by one Gather.
//   4. Y ([T, D, B, H] or [B, T, D, H]), Y_h and Y_c ([D, B, H] or
//      [B, D, H]) are concatenated from the steps.
//
//===----------------------------------------------------------------------===//

#include "../OpTable.h"
#include "Compose.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::compose;

namespace {

enum class Cell { RNN, GRU, LSTM };

StringRef cellName(Cell c) {
  return c == Cell::RNN ? "RNN" : c == Cell::GRU ? "GRU" : "LSTM";
}

/// Builds graph ops and remembers the first failure; once failed, every
/// builder returns null without building anything.
struct Ops {
  NodeImporter &n;
  bool ok = true;

  Value check(FailureOr<Value> v) {
    if (failed(v)) {
      ok = false;
      return {};
    }
    return *v;
  }
  bool live(ValueRange vs) {
    if (!ok)
      return false;
    for (Value v : vs)
      if (!v) {
        ok = false;
        return false;
      }
    return true;
  }
  template <typename OpTy>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    if (!live(operands))
      return {};
    return check(n.create<OpTy>(operands, attrs));
  }
  Value add(Value a, Value b) { return op<graph::AddOp>({a, b}); }
  Value sub(Value a, Value b) { return op<graph::SubOp>({a, b}); }
  Value mul(Value a, Value b) { return op<graph::MulOp>({a, b}); }
  Value matmul(Value a, Value b) { return op<graph::MatMulOp>({a, b}); }
  /// a * b^T + c (a Gemm, so that b is read in place).
  Value gemmT(Value a, Value b, Value c) {
    return op<graph::GemmOp>(
        {a, b, c}, {n.f32Attr("alpha", 1.0), n.f32Attr("beta", 1.0),
                    n.boolAttr("trans_a", false), n.boolAttr("trans_b", true)});
  }
  Value where(Value c, Value a, Value b) {
    return op<graph::WhereOp>({c, a, b});
  }
  Value slice(Value v, int64_t axis, int64_t start, int64_t end) {
    return op<graph::SliceOp>(
        v, {n.i64ArrayAttr("starts", {start}), n.i64ArrayAttr("ends", {end}),
            n.i64ArrayAttr("axes", {axis}), n.i64ArrayAttr("steps", {1})});
  }
  Value squeeze(Value v, int64_t axis) {
    return op<graph::SqueezeOp>(v, {n.i64ArrayAttr("axes", {axis})});
  }
  Value unsqueeze(Value v, int64_t axis) {
    return op<graph::UnsqueezeOp>(v, {n.i64ArrayAttr("axes", {axis})});
  }
  /// Entry `i` of `v` along `axis`, that axis removed.
  Value pick(Value v, int64_t axis, int64_t i) {
    return squeeze(slice(v, axis, i, i + 1), axis);
  }
  Value concat(ValueRange vs, int64_t axis) {
    if (vs.size() == 1)
      return vs.front();
    return op<graph::ConcatOp>(vs, {n.i64Attr("axis", axis)});
  }
  Value transpose(Value v, ArrayRef<int64_t> perm) {
    return live(v) ? check(compose::transpose(n, v, perm)) : Value();
  }
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    return live(v) ? check(compose::reshape(n, v, shape)) : Value();
  }
  Value scalar(Type t, double v) { return n.scalarConstant(t, v); }
};

struct Activation {
  std::string name;
  double alpha = 0, beta = 0;
};

/// The activation's alpha/beta count and defaults, or -1 when unknown.
int paramCount(StringRef name, double &alpha, double &beta) {
  if (name == "relu" || name == "tanh" || name == "sigmoid" ||
      name == "softsign" || name == "softplus")
    return 0;
  if (name == "leakyrelu")
    return alpha = 0.01, 1;
  if (name == "thresholdedrelu" || name == "elu")
    return alpha = 1.0, 1;
  if (name == "affine" || name == "scaledtanh")
    return alpha = 1.0, beta = 0.0, 2;
  if (name == "hardsigmoid")
    return alpha = 0.2, beta = 0.5, 2;
  return -1;
}

Value applyActivation(Ops &b, Value x, const Activation &a) {
  NodeImporter &n = b.n;
  if (!b.live(x))
    return {};
  Type e = cast<RankedTensorType>(x.getType()).getElementType();
  StringRef name = a.name;
  if (name == "relu")
    return b.op<graph::ReluOp>(x);
  if (name == "tanh")
    return b.op<graph::TanhOp>(x);
  if (name == "sigmoid")
    return b.op<graph::SigmoidOp>(x);
  if (name == "softsign")
    return b.op<graph::SoftsignOp>(x);
  if (name == "softplus")
    return b.op<graph::SoftplusOp>(x);
  if (name == "leakyrelu")
    return b.op<graph::LeakyReluOp>(x, {n.f32Attr("alpha", a.alpha)});
  if (name == "thresholdedrelu")
    return b.op<graph::ThresholdedReluOp>(x, {n.f32Attr("alpha", a.alpha)});
  if (name == "elu")
    return b.op<graph::EluOp>(x, {n.f32Attr("alpha", a.alpha)});
  if (name == "hardsigmoid")
    return b.op<graph::HardSigmoidOp>(
        x, {n.f32Attr("alpha", a.alpha), n.f32Attr("beta", a.beta)});
  if (name == "affine")
    return b.add(b.mul(x, b.scalar(e, a.alpha)), b.scalar(e, a.beta));
  // scaledtanh
  return b.mul(b.op<graph::TanhOp>(b.mul(x, b.scalar(e, a.beta))),
               b.scalar(e, a.alpha));
}

struct Config {
  Cell cell;
  int64_t gates = 1, hidden = 0, dirs = 1, layout = 0;
  int64_t steps = 0, batch = 0, inputSize = 0;
  bool reverse = false, bidirectional = false;
  bool linearBeforeReset = false, inputForget = false;
  std::optional<double> clip;
  SmallVector<Activation> acts; // acts per direction, concatenated
  int64_t actsPerDir = 1;
  Type element;
  /// Constant sequence lengths (empty: none or not constant).
  SmallVector<int64_t> lens;
  bool lensDynamic = false;
};

LogicalResult readActivations(NodeImporter &n, Config &c) {
  SmallVector<StringRef> defaults;
  if (c.cell == Cell::RNN)
    defaults = {"Tanh"};
  else if (c.cell == Cell::GRU)
    defaults = {"Sigmoid", "Tanh"};
  else
    defaults = {"Sigmoid", "Tanh", "Tanh"};
  c.actsPerDir = defaults.size();
  SmallVector<std::string> names;
  for (const onnx::AttributeProto &attr : n.node().attribute())
    if (attr.name() == "activations")
      for (const std::string &s : attr.strings())
        names.push_back(s);
  if (names.empty())
    for (int64_t d = 0; d < c.dirs; ++d)
      for (StringRef s : defaults)
        names.push_back(s.str());
  if (names.size() == defaults.size() && c.dirs == 2)
    names.append(SmallVector<std::string>(names));
  if ((int64_t)names.size() != c.actsPerDir * c.dirs)
    return n.emitError() << cellName(c.cell) << " expects "
                         << c.actsPerDir * c.dirs << " activations, got "
                         << names.size();
  FailureOr<SmallVector<double>> alphas =
      n.getFloats("activation_alpha", ArrayRef<double>());
  FailureOr<SmallVector<double>> betas =
      n.getFloats("activation_beta", ArrayRef<double>());
  if (failed(alphas) || failed(betas))
    return failure();
  size_t ai = 0, bi = 0;
  for (const std::string &s : names) {
    Activation a;
    a.name = StringRef(s).lower();
    int count = paramCount(a.name, a.alpha, a.beta);
    if (count < 0)
      return n.emitError() << cellName(c.cell) << " activation '" << s
                           << "' is not supported";
    if (count >= 1 && ai < alphas->size())
      a.alpha = (*alphas)[ai++];
    if (count >= 2 && bi < betas->size())
      a.beta = (*betas)[bi++];
    c.acts.push_back(a);
  }
  return success();
}

/// Checks `v` (input `i`, named `what`) has exactly `shape`.
LogicalResult checkShape(NodeImporter &n, Cell cell, size_t i, StringRef what,
                         ArrayRef<int64_t> shape) {
  RankedTensorType t = n.inputType(i);
  if (t.getShape() == shape)
    return success();
  auto diag = n.emitError();
  diag << cellName(cell) << " " << what << " must have shape [";
  llvm::interleave(shape, diag, ",");
  return diag << "], got " << t;
}

FailureOr<Config> readConfig(NodeImporter &n, Cell cell) {
  Config c;
  c.cell = cell;
  c.gates = cell == Cell::RNN ? 1 : cell == Cell::GRU ? 3 : 4;
  StringRef name = cellName(cell);
  if (failed(n.checkInputCount(3, cell == Cell::LSTM ? 8 : 6)))
    return failure();
  for (size_t i = 0; i < 3; ++i)
    if (failed(n.requireInput(i)))
      return failure();
  FailureOr<std::string> dir = n.getString("direction", StringRef("forward"));
  FailureOr<int64_t> layout = n.getInt("layout", 0);
  FailureOr<int64_t> lbr = n.getInt("linear_before_reset", 0);
  FailureOr<int64_t> forget = n.getInt("input_forget", 0);
  if (failed(dir) || failed(layout) || failed(lbr) || failed(forget))
    return failure();
  if (*dir == "forward" || *dir == "reverse") {
    c.reverse = *dir == "reverse";
  } else if (*dir == "bidirectional") {
    c.bidirectional = true;
    c.dirs = 2;
  } else {
    return n.emitError() << name
                         << " direction must be forward, reverse or "
                            "bidirectional, got '"
                         << *dir << "'";
  }
  if (*layout != 0 && *layout != 1)
    return n.emitError() << name << " layout must be 0 or 1, got " << *layout;
  c.layout = *layout;
  c.linearBeforeReset = *lbr != 0;
  c.inputForget = *forget != 0;
  if (n.hasAttr("clip")) {
    FailureOr<double> clip = n.getFloat("clip");
    if (failed(clip))
      return failure();
    if (!(*clip > 0))
      return n.emitError() << name << " clip must be positive, got " << *clip;
    c.clip = *clip;
  }

  RankedTensorType x = n.inputType(0), r = n.inputType(2);
  c.element = x.getElementType();
  if (!isa<FloatType>(c.element))
    return n.emitError() << name << " X must be a float tensor, got " << x;
  if (x.getRank() != 3 || !x.hasStaticShape())
    return n.emitError() << name << " X must be a static 3-D tensor, got " << x;
  if (r.getRank() != 3 || !r.hasStaticShape())
    return n.emitError() << name << " R must be a static 3-D tensor, got " << r;
  c.steps = x.getDimSize(c.layout == 0 ? 0 : 1);
  c.batch = x.getDimSize(c.layout == 0 ? 1 : 0);
  c.inputSize = x.getDimSize(2);
  c.hidden = r.getDimSize(2);
  FailureOr<int64_t> hidden = n.getInt("hidden_size", c.hidden);
  if (failed(hidden))
    return failure();
  if (*hidden != c.hidden || c.hidden <= 0)
    return n.emitError() << name << " hidden_size " << *hidden
                         << " does not match R " << r;
  int64_t gh = c.gates * c.hidden;
  if (failed(checkShape(n, cell, 1, "W", {c.dirs, gh, c.inputSize})) ||
      failed(checkShape(n, cell, 2, "R", {c.dirs, gh, c.hidden})))
    return failure();
  if (n.hasInput(3) && failed(checkShape(n, cell, 3, "B", {c.dirs, 2 * gh})))
    return failure();
  SmallVector<int64_t> stateShape =
      c.layout == 0 ? SmallVector<int64_t>{c.dirs, c.batch, c.hidden}
                    : SmallVector<int64_t>{c.batch, c.dirs, c.hidden};
  if (n.hasInput(5) && failed(checkShape(n, cell, 5, "initial_h", stateShape)))
    return failure();
  if (n.hasInput(6) && failed(checkShape(n, cell, 6, "initial_c", stateShape)))
    return failure();
  if (n.hasInput(7) &&
      failed(checkShape(n, cell, 7, "P", {c.dirs, 3 * c.hidden})))
    return failure();
  for (size_t i = 1; i < 8; ++i)
    if (i != 4 && n.hasInput(i) && n.inputType(i).getElementType() != c.element)
      return n.emitError() << name << " input #" << i << " must have X's "
                           << "element type " << c.element << ", got "
                           << n.inputType(i);
  if (n.hasInput(4)) {
    RankedTensorType l = n.inputType(4);
    if (!l.getElementType().isInteger(32) || l.getShape() != ArrayRef(c.batch))
      return n.emitError() << name << " sequence_lens must be int32 of shape ["
                           << c.batch << "], got " << l;
    if (DenseElementsAttr v = n.constantInput(4)) {
      bool full = true;
      for (const APInt &len : v.getValues<APInt>()) {
        int64_t s = len.getSExtValue();
        if (s < 0 || s > c.steps)
          return n.emitError() << name << " sequence_lens entry " << s
                               << " is out of range [0, " << c.steps << "]";
        c.lens.push_back(s);
        full &= s == c.steps;
      }
      if (full)
        c.lens.clear();
    } else {
      c.lensDynamic = true;
    }
  }
  if (c.lensDynamic && (c.reverse || c.bidirectional))
    return n.emitError() << name
                         << " input 'sequence_lens' must be a constant "
                            "for the reverse direction; dlc needs it at "
                            "compile time";
  if (failed(readActivations(n, c)))
    return failure();
  return c;
}

/// Flat row indices of a [T * B] tensor that walk each batch entry from its
/// own last step back to the first; steps past the length stay in place.
Value reverseRows(Ops &b, const Config &c) {
  SmallVector<int64_t> idx;
  for (int64_t t = 0; t < c.steps; ++t)
    for (int64_t i = 0; i < c.batch; ++i) {
      int64_t len = c.lens.empty() ? c.steps : c.lens[i];
      idx.push_back((t < len ? len - 1 - t : t) * c.batch + i);
    }
  auto type =
      RankedTensorType::get({(int64_t)idx.size()}, b.n.builder().getI64Type());
  return b.n.constant(DenseElementsAttr::get(type, ArrayRef<int64_t>(idx)));
}

/// Permutes the [T, B, N] tensor `v` by reverseRows.
Value permuteSteps(Ops &b, const Config &c, Value v, int64_t width) {
  Value flat = b.reshape(v, {c.steps * c.batch, width});
  Value g = b.op<graph::GatherOp>({flat, reverseRows(b, c)},
                                  {b.n.i64Attr("axis", 0)});
  return b.reshape(g, {c.steps, c.batch, width});
}

struct DirResult {
  Value y, h, cell;
};

Value clipped(Ops &b, const Config &c, Value v) {
  if (!c.clip)
    return v;
  if (!b.live(v))
    return {};
  return b.check(
      b.n.create<graph::ClipOp>(ValueRange{v, b.scalar(c.element, -*c.clip),
                                           b.scalar(c.element, *c.clip)},
                                {}, TypeRange{v.getType()}));
}

/// The state input `i` (initial_h / initial_c) of direction `d` as [B, H],
/// or zeros.
Value initialState(Ops &b, const Config &c, size_t i, int64_t d) {
  if (!b.n.hasInput(i)) {
    auto type = RankedTensorType::get({c.batch, c.hidden}, c.element);
    return b.n.constant(
        DenseElementsAttr::get(type, FloatAttr::get(c.element, 0.0)));
  }
  return b.pick(b.n.input(i), c.layout == 0 ? 0 : 1, d);
}

DirResult runDirection(Ops &b, const Config &c, Value x, int64_t d) {
  NodeImporter &n = b.n;
  int64_t hs = c.hidden, gh = c.gates * hs;
  const Activation *act = &c.acts[d * c.actsPerDir];
  // Step 1: X W^T + biases for all steps.
  Value wT = b.transpose(b.pick(n.input(1), 0, d), {1, 0});
  Value r = b.pick(n.input(2), 0, d);
  Value xw = b.matmul(x, wT);
  Value rbh;
  if (n.hasInput(3)) {
    Value bias = b.pick(n.input(3), 0, d);
    Value wb = b.slice(bias, 0, 0, gh), rb = b.slice(bias, 0, gh, 2 * gh);
    if (c.cell == Cell::GRU && c.linearBeforeReset) {
      rbh = b.slice(rb, 0, 2 * hs, gh);
      auto zt = RankedTensorType::get({hs}, c.element);
      Value zeros =
          n.constant(DenseElementsAttr::get(zt, FloatAttr::get(c.element, 0)));
      rb = b.concat({b.slice(rb, 0, 0, 2 * hs), zeros}, 0);
    }
    xw = b.add(xw, b.add(wb, rb));
  }
  bool gathered = c.reverse || d == 1 ? !c.lens.empty() : false;
  bool backwards = (c.reverse || d == 1) && !gathered;
  if (gathered)
    xw = permuteSteps(b, c, xw, gh);
  Value rzr, rh, p[3];
  if (c.cell == Cell::GRU) {
    rzr = b.slice(r, 0, 0, 2 * hs);
    rh = b.slice(r, 0, 2 * hs, gh);
  }
  if (c.cell == Cell::LSTM && n.hasInput(7)) {
    Value pd = b.pick(n.input(7), 0, d);
    for (int64_t k = 0; k < 3; ++k)
      p[k] = b.slice(pd, 0, k * hs, (k + 1) * hs);
  }
  Value h = initialState(b, c, 5, d);
  Value cs = c.cell == Cell::LSTM ? initialState(b, c, 6, d) : Value();
  Type lenType = c.lensDynamic || !c.lens.empty()
                     ? n.inputType(4).getElementType()
                     : Type();
  Value lens;
  if (lenType)
    lens = c.lensDynamic ? n.input(4)
                         : n.constant(DenseElementsAttr::get(
                               RankedTensorType::get({c.batch}, lenType),
                               ArrayRef<int32_t>(SmallVector<int32_t>(
                                   c.lens.begin(), c.lens.end()))));
  Value one = b.scalar(c.element, 1.0), zero = b.scalar(c.element, 0.0);
  SmallVector<Value> ys(c.steps);
  for (int64_t s = 0; s < c.steps && b.ok; ++s) {
    int64_t t = backwards ? c.steps - 1 - s : s;
    // h M^T + v; without initial_h the first step's h is zero.
    bool hZero = s == 0 && !n.hasInput(5);
    auto rec = [&](Value hv, Value m, Value v) {
      return hZero ? v : b.gemmT(hv, m, v);
    };
    Value xt = b.pick(xw, 0, t);
    Value hn, cn;
    if (c.cell == Cell::RNN) {
      hn = applyActivation(b, clipped(b, c, rec(h, r, xt)), act[0]);
    } else if (c.cell == Cell::GRU) {
      Value zr = rec(h, rzr, b.slice(xt, 1, 0, 2 * hs));
      Value z =
          applyActivation(b, clipped(b, c, b.slice(zr, 1, 0, hs)), act[0]);
      Value rg =
          applyActivation(b, clipped(b, c, b.slice(zr, 1, hs, 2 * hs)), act[0]);
      Value xh = b.slice(xt, 1, 2 * hs, gh);
      Value hr = c.linearBeforeReset ? b.mul(rg, rec(h, rh, rbh ? rbh : zero))
                                     : rec(b.mul(rg, h), rh, zero);
      Value hh = applyActivation(b, clipped(b, c, b.add(xh, hr)), act[1]);
      hn = b.add(hh, b.mul(z, b.sub(h, hh)));
    } else {
      Value g = rec(h, r, xt);
      auto gate = [&](int64_t k) {
        return b.slice(g, 1, k * hs, (k + 1) * hs);
      };
      Value gi = gate(0), go = gate(1), gf = gate(2), gc = gate(3);
      if (p[0]) {
        gi = b.add(gi, b.mul(p[0], cs));
        gf = b.add(gf, b.mul(p[2], cs));
      }
      Value i = applyActivation(b, clipped(b, c, gi), act[0]);
      Value f = c.inputForget ? b.sub(one, i)
                              : applyActivation(b, clipped(b, c, gf), act[0]);
      Value cc = applyActivation(b, clipped(b, c, gc), act[1]);
      cn = b.add(b.mul(f, cs), b.mul(i, cc));
      if (p[1])
        go = b.add(go, b.mul(p[1], cn));
      Value o = applyActivation(b, clipped(b, c, go), act[0]);
      hn = b.mul(o, applyActivation(b, cn, act[2]));
    }
    Value y = hn;
    if (lens) {
      // Step 3: keep the state of finished batch entries, output 0.
      Value mask = b.unsqueeze(
          b.op<graph::LessOp>({b.scalar(lenType, double(t)), lens}), 1);
      hn = b.where(mask, hn, h);
      if (cn)
        cn = b.where(mask, cn, cs);
      y = b.where(mask, y, zero);
    }
    h = hn;
    cs = cn;
    ys[t] = b.unsqueeze(y, 0);
  }
  // Batch entries of length 0 end with zero states (as onnxruntime).
  if (lens && (c.lensDynamic || llvm::is_contained(c.lens, 0))) {
    Value started =
        b.unsqueeze(b.op<graph::LessOp>({b.scalar(lenType, 0.0), lens}), 1);
    h = b.where(started, h, zero);
    if (cs)
      cs = b.where(started, cs, zero);
  }
  DirResult res{b.ok ? b.concat(ys, 0) : Value(), h, cs};
  if (gathered)
    res.y = permuteSteps(b, c, res.y, hs);
  return res;
}

LogicalResult importRecurrent(NodeImporter &n, Cell cell) {
  FailureOr<Config> cfg = readConfig(n, cell);
  if (failed(cfg))
    return failure();
  const Config &c = *cfg;
  Ops b{n};
  Value x = n.input(0);
  if (c.layout == 1)
    x = b.transpose(x, {1, 0, 2});
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < c.dirs && b.ok; ++d) {
    DirResult r = runDirection(b, c, x, d);
    ys.push_back(b.unsqueeze(r.y, 1));
    hs.push_back(b.unsqueeze(r.h, 0));
    if (cell == Cell::LSTM)
      cs.push_back(b.unsqueeze(r.cell, 0));
  }
  if (!b.ok)
    return failure();
  Value y = b.concat(ys, 1), yh = b.concat(hs, 0);
  Value yc = cell == Cell::LSTM ? b.concat(cs, 0) : Value();
  if (c.layout == 1) {
    y = b.transpose(y, {2, 0, 1, 3});
    yh = b.transpose(yh, {1, 0, 2});
    if (yc)
      yc = b.transpose(yc, {1, 0, 2});
  }
  if (!b.ok)
    return failure();
  SmallVector<Value> results{y, yh};
  if (yc)
    results.push_back(yc);
  results.resize(std::min<size_t>(results.size(), n.numOutputs()));
  return n.setResults(results);
}

LogicalResult importRNN(NodeImporter &n) {
  return importRecurrent(n, Cell::RNN);
}
LogicalResult importGRU(NodeImporter &n) {
  return importRecurrent(n, Cell::GRU);
}
LogicalResult importLSTM(NodeImporter &n) {
  return importRecurrent(n, Cell::LSTM);
}

} // namespace

void dlc::registerRecurrentOps(OpTable &t) {
  t.add("RNN", 7, kMaxOpset, importRNN);
  t.add("GRU", 7, kMaxOpset, importGRU);
  t.add("LSTM", 7, kMaxOpset, importLSTM);
}
