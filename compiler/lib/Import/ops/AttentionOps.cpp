//===- AttentionOps.cpp - ONNX Attention as graph ops ---------------------===//
//
// Attention (opset 23, 24) as a composition of graph ops, step by step as
// the ONNX reference computes it:
//   1. 3-D Q, K, V (batch, sequence, heads * head size) are split into heads
//      and transposed to (batch, heads, sequence, head size).
//   2. past_key / past_value are concatenated in front of K and V along the
//      sequence (present_key / present_value).
//   3. Q and K are both scaled by sqrt(scale) (default 1 / sqrt(head size)).
//   4. With fewer KV heads than Q heads (grouped-query attention) every KV
//      head is repeated for its group of Q heads.
//   5. qk = Q K^T, capped by softcap * tanh(qk / softcap) when softcap > 0.
//   6. The bias: attn_mask (bool: 0 where true, -inf where false; float:
//      added; padded with -inf up to the total sequence), the causal mask
//      (-inf where key position > query position + past length) and the
//      padding of nonpad_kv_seqlen, added to qk.
//   7. softmax over the keys (in softmax_precision when given), times V; 3-D
//      outputs are transposed and merged back to (batch, sequence, hidden).
// qk_matmul_output is qk after step 5 (modes 0, 1), after the bias (2) or
// the softmax (3).
//
// RotaryEmbedding (opset 23): the first rotary_embedding_dim features of
// each head rotated by the cos/sin caches (gathered at position_ids when
// given): pairs (x1, x2) taken as halves or, interleaved, as even and odd
// features become (cos x1 - sin x2, sin x1 + cos x2).
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

struct AttentionAttrs {
  bool causal = false;
  int64_t qHeads = 0, kvHeads = 0, qkMode = 0;
  std::optional<double> scale;
  double softcap = 0;
  Type softmaxElement;
};

FailureOr<AttentionAttrs> readAttrs(NodeImporter &n) {
  FailureOr<int64_t> causal = n.getInt("is_causal", 0);
  FailureOr<int64_t> qHeads = n.getInt("q_num_heads", 0);
  FailureOr<int64_t> kvHeads = n.getInt("kv_num_heads", 0);
  FailureOr<int64_t> mode = n.getInt("qk_matmul_output_mode", 0);
  FailureOr<double> softcap = n.getFloat("softcap", 0.0);
  if (failed(causal) || failed(qHeads) || failed(kvHeads) || failed(mode) ||
      failed(softcap))
    return failure();
  AttentionAttrs a;
  a.causal = *causal != 0;
  a.qHeads = *qHeads;
  a.kvHeads = *kvHeads;
  a.qkMode = *mode;
  a.softcap = *softcap;
  if (a.qkMode < 0 || a.qkMode > 3)
    return n.emitError() << "Attention qk_matmul_output_mode must be in "
                            "[0, 3], got "
                         << a.qkMode;
  if (a.softcap < 0)
    return n.emitError() << "Attention softcap must be >= 0, got " << a.softcap;
  if (n.hasAttr("scale")) {
    FailureOr<double> scale = n.getFloat("scale");
    if (failed(scale))
      return failure();
    if (!(*scale > 0) || !std::isfinite(*scale))
      return n.emitError() << "Attention scale must be positive, got "
                           << *scale;
    a.scale = *scale;
  }
  if (n.hasAttr("softmax_precision")) {
    FailureOr<int64_t> p = n.getInt("softmax_precision");
    if (failed(p))
      return failure();
    if (*p < 0 || *p > std::numeric_limits<int32_t>::max())
      return n.emitError() << "Attention softmax_precision is not a data "
                              "type: "
                           << *p;
    llvm::Expected<Type> t =
        convertElementType(n.context(), static_cast<int32_t>(*p));
    if (!t)
      return n.emitError() << "Attention softmax_precision "
                           << llvm::toString(t.takeError());
    if (!isa<FloatType>(*t))
      return n.emitError() << "Attention softmax_precision must be a float "
                              "type, got "
                           << *t;
    a.softmaxElement = *t;
  }
  return a;
}

/// A 3-D (batch, sequence, heads * size) tensor as (batch, heads, sequence,
/// size).
FailureOr<Value> splitHeads(NodeImporter &n, Value v, int64_t heads,
                            StringRef what) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t hidden = t.getDimSize(2);
  if (heads <= 0 || hidden % heads != 0)
    return n.emitError() << "Attention " << what << " hidden size " << hidden
                         << " does not divide into " << heads << " heads";
  FailureOr<Value> r =
      reshape(n, v, {t.getDimSize(0), t.getDimSize(1), heads, hidden / heads});
  if (failed(r))
    return failure();
  return transpose(n, *r, {0, 2, 1, 3});
}

/// Each of the `kvHeads` heads of (B, kvHeads, T, D) repeated `reps` times
/// in place: (B, kvHeads * reps, T, D) as h0, h0, h1, h1, ...
FailureOr<Value> repeatHeads(NodeImporter &n, Value v, int64_t reps) {
  if (reps == 1)
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  ArrayRef<int64_t> s = t.getShape();
  FailureOr<Value> e =
      n.create<graph::UnsqueezeOp>(v, {n.i64ArrayAttr("axes", {2})});
  if (succeeded(e))
    e = n.create<graph::ExpandOp>(
        *e, {n.i64ArrayAttr("shape", {s[0], s[1], reps, s[2], s[3]})});
  if (failed(e))
    return failure();
  return reshape(n, *e, {s[0], s[1] * reps, s[2], s[3]});
}

/// The additive bias of step 6, or null when there is none.
FailureOr<Value> buildBias(NodeImporter &n, const AttentionAttrs &a,
                           Type element, int64_t batch, int64_t qLen,
                           int64_t total, int64_t past) {
  double inf = std::numeric_limits<double>::infinity();
  Value zero = n.scalarConstant(element, 0),
        minusInf = n.scalarConstant(element, -inf);
  FailureOr<Value> bias = Value();
  if (n.hasInput(3)) {
    Value mask = n.input(3);
    RankedTensorType m = n.inputType(3);
    Type me = m.getElementType();
    bool isBool = me.isInteger(1);
    if (!isBool && me != element)
      return n.emitError() << "Attention attn_mask must be bool or of Q's "
                              "element type "
                           << element << ", got " << me;
    if (m.getRank() < 2 || m.getRank() > 4)
      return n.emitError() << "Attention attn_mask must have rank 2 to 4, "
                              "got "
                           << m;
    int64_t last = m.getDimSize(m.getRank() - 1);
    if (last > total)
      return n.emitError() << "Attention attn_mask covers " << last
                           << " keys, more than the " << total
                           << " of past and current keys";
    if (last < total) {
      SmallVector<int64_t> pads(2 * m.getRank(), 0);
      pads.back() = total - last;
      Attribute padValue = isBool ? Attribute(n.builder().getBoolAttr(false))
                                  : Attribute(FloatAttr::get(me, -inf));
      FailureOr<Value> padded = n.create<graph::PadOp>(
          mask, {n.i64ArrayAttr("pads", pads), n.strAttr("mode", "constant"),
                 n.attr("value", padValue)});
      if (failed(padded))
        return failure();
      mask = *padded;
    }
    bias = isBool ? n.create<graph::WhereOp>(ValueRange{mask, zero, minusInf})
                  : FailureOr<Value>(mask);
  }
  auto add = [&](Value term) {
    bias = *bias ? n.create<graph::AddOp>(ValueRange{*bias, term})
                 : FailureOr<Value>(term);
  };
  if (succeeded(bias) && a.causal) {
    SmallVector<Attribute> values;
    for (int64_t i = 0; i < qLen; ++i)
      for (int64_t j = 0; j < total; ++j)
        values.push_back(FloatAttr::get(element, j > i + past ? -inf : 0.0));
    add(n.constant(DenseElementsAttr::get(
        RankedTensorType::get({qLen, total}, element), values)));
  }
  if (succeeded(bias) && n.hasInput(6)) {
    RankedTensorType lens = n.inputType(6);
    if (lens.getRank() != 1 || lens.getDimSize(0) != batch ||
        !lens.getElementType().isInteger(64))
      return n.emitError() << "Attention nonpad_kv_seqlen must be int64 of "
                              "shape ("
                           << batch << "), got " << lens;
    FailureOr<Value> l =
        n.create<graph::UnsqueezeOp>(n.input(6), {n.i64ArrayAttr("axes", {1})});
    FailureOr<Value> keep, term;
    if (succeeded(l))
      keep = n.create<graph::LessOp>(ValueRange{positions(n, 2, 1, total), *l});
    if (succeeded(keep))
      keep = reshape(n, *keep, {batch, 1, 1, total});
    if (succeeded(keep))
      term = n.create<graph::WhereOp>(ValueRange{*keep, zero, minusInf});
    if (failed(term))
      return failure();
    add(*term);
  }
  return bias;
}

/// Checks the ranks and shapes of Q, K, V and the past and brings them to
/// 4-D (batch, heads, sequence, size).
LogicalResult prepareQKV(NodeImporter &n, AttentionAttrs &a, Value &q, Value &k,
                         Value &v) {
  RankedTensorType qt = n.inputType(0), kt = n.inputType(1),
                   vt = n.inputType(2);
  for (RankedTensorType t : {qt, kt, vt})
    if (!isa<FloatType>(t.getElementType()) ||
        t.getElementType() != qt.getElementType())
      return n.emitError() << "Attention Q, K and V must share one float "
                              "element type, got "
                           << qt.getElementType() << ", " << kt.getElementType()
                           << ", " << vt.getElementType();
  int64_t rank = qt.getRank();
  if ((rank != 3 && rank != 4) || kt.getRank() != rank || vt.getRank() != rank)
    return n.emitError() << "Attention Q, K and V must all be 3-D or all "
                            "4-D, got "
                         << qt << ", " << kt << ", " << vt;
  q = n.input(0);
  k = n.input(1);
  v = n.input(2);
  if (rank == 3) {
    if (a.qHeads <= 0 || a.kvHeads <= 0)
      return n.emitError() << "Attention with 3-D inputs needs q_num_heads "
                              "and kv_num_heads";
    FailureOr<Value> q4 = splitHeads(n, q, a.qHeads, "Q");
    FailureOr<Value> k4 = failed(q4) ? q4 : splitHeads(n, k, a.kvHeads, "K");
    FailureOr<Value> v4 = failed(k4) ? k4 : splitHeads(n, v, a.kvHeads, "V");
    if (failed(v4))
      return failure();
    q = *q4;
    k = *k4;
    v = *v4;
  }
  auto q4 = cast<RankedTensorType>(q.getType()),
       k4 = cast<RankedTensorType>(k.getType()),
       v4 = cast<RankedTensorType>(v.getType());
  if (k4.getDimSize(0) != q4.getDimSize(0) ||
      v4.getDimSize(0) != q4.getDimSize(0) ||
      k4.getDimSize(1) != v4.getDimSize(1) ||
      k4.getDimSize(2) != v4.getDimSize(2) ||
      k4.getDimSize(3) != q4.getDimSize(3))
    return n.emitError() << "Attention Q, K and V shapes do not match: " << q4
                         << ", " << k4 << ", " << v4;
  a.qHeads = q4.getDimSize(1);
  a.kvHeads = k4.getDimSize(1);
  if (a.qHeads % a.kvHeads != 0)
    return n.emitError() << "Attention " << a.qHeads
                         << " Q heads are not a multiple of " << a.kvHeads
                         << " KV heads";
  return success();
}

/// present = concat(past, current) along the sequence.
FailureOr<Value> withPast(NodeImporter &n, size_t pastIndex, Value current,
                          StringRef what) {
  if (!n.hasInput(pastIndex))
    return current;
  RankedTensorType p = n.inputType(pastIndex);
  auto c = cast<RankedTensorType>(current.getType());
  if (p.getRank() != 4 || p.getDimSize(0) != c.getDimSize(0) ||
      p.getDimSize(1) != c.getDimSize(1) ||
      p.getDimSize(3) != c.getDimSize(3) ||
      p.getElementType() != c.getElementType())
    return n.emitError() << "Attention " << what << " must be (batch, "
                         << c.getDimSize(1) << ", past, " << c.getDimSize(3)
                         << "), got " << p;
  return n.create<graph::ConcatOp>(ValueRange{n.input(pastIndex), current},
                                   {n.i64Attr("axis", 2)});
}

FailureOr<Value> scaleBy(NodeImporter &n, Value v, double s) {
  Type e = cast<RankedTensorType>(v.getType()).getElementType();
  return n.create<graph::MulOp>(ValueRange{v, n.scalarConstant(e, s)});
}

LogicalResult importAttention(NodeImporter &n) {
  if (failed(n.checkInputCount(3, n.opset() >= 24 ? 7 : 6)))
    return failure();
  FailureOr<AttentionAttrs> attrs = readAttrs(n);
  if (failed(attrs))
    return failure();
  AttentionAttrs &a = *attrs;
  if (n.hasInput(4) != n.hasInput(5))
    return n.emitError() << "Attention needs both past_key and past_value "
                            "or neither";
  Value q, k, v;
  if (failed(prepareQKV(n, a, q, k, v)))
    return failure();
  auto qType = cast<RankedTensorType>(q.getType());
  Type element = qType.getElementType();
  int64_t batch = qType.getDimSize(0), qLen = qType.getDimSize(2);
  int64_t past = n.hasInput(4) ? n.inputType(4).getDimSize(2) : 0;

  FailureOr<Value> presentK = withPast(n, 4, k, "past_key");
  FailureOr<Value> presentV =
      failed(presentK) ? presentK : withPast(n, 5, v, "past_value");
  if (failed(presentV))
    return failure();
  int64_t total = cast<RankedTensorType>(presentK->getType()).getDimSize(2);
  double scale =
      a.scale ? *a.scale : 1.0 / std::sqrt(double(qType.getDimSize(3)));
  int64_t reps = a.qHeads / a.kvHeads;

  FailureOr<Value> qs = scaleBy(n, q, std::sqrt(scale)), ks, kAll, vAll, qk;
  if (succeeded(qs))
    ks = scaleBy(n, *presentK, std::sqrt(scale));
  if (succeeded(ks))
    kAll = repeatHeads(n, *ks, reps);
  if (succeeded(kAll))
    vAll = repeatHeads(n, *presentV, reps);
  if (succeeded(vAll))
    kAll = transpose(n, *kAll, {0, 1, 3, 2});
  if (succeeded(kAll))
    qk = n.create<graph::MatMulOp>(ValueRange{*qs, *kAll});
  if (succeeded(qk) && a.softcap > 0) {
    qk = scaleBy(n, *qk, 1.0 / a.softcap);
    if (succeeded(qk))
      qk = n.create<graph::TanhOp>(*qk);
    if (succeeded(qk))
      qk = scaleBy(n, *qk, a.softcap);
  }
  if (failed(qk))
    return failure();
  FailureOr<Value> bias = buildBias(n, a, element, batch, qLen, total, past);
  if (failed(bias))
    return failure();
  FailureOr<Value> logits = *bias
                                ? n.create<graph::AddOp>(ValueRange{*qk, *bias})
                                : FailureOr<Value>(*qk);
  FailureOr<Value> probs = logits;
  if (succeeded(probs) && a.softmaxElement)
    probs = castTo(n, *probs, a.softmaxElement);
  if (succeeded(probs))
    probs = n.create<graph::SoftmaxOp>(*probs, {n.i64Attr("axis", 3)});
  if (succeeded(probs))
    probs = castTo(n, *probs, element);
  FailureOr<Value> y;
  if (succeeded(probs))
    y = n.create<graph::MatMulOp>(ValueRange{*probs, *vAll});
  if (succeeded(y) && n.inputType(0).getRank() == 3) {
    auto yt = cast<RankedTensorType>(y->getType());
    y = transpose(n, *y, {0, 2, 1, 3});
    if (succeeded(y))
      y = reshape(n, *y, {batch, qLen, yt.getDimSize(1) * yt.getDimSize(3)});
  }
  if (failed(y))
    return failure();
  SmallVector<Value> results{*y};
  if (wantsOutput(n, 1) || wantsOutput(n, 2) || wantsOutput(n, 3))
    results.append({*presentK, *presentV});
  if (wantsOutput(n, 3))
    results.push_back(a.qkMode == 3 ? *probs : a.qkMode == 2 ? *logits : *qk);
  return n.setResults(results);
}

FailureOr<Value> sliceLast(NodeImporter &n, Value v, int64_t start, int64_t end,
                           int64_t step = 1) {
  int64_t last = cast<RankedTensorType>(v.getType()).getRank() - 1;
  return n.create<graph::SliceOp>(
      v, {n.i64ArrayAttr("starts", {start}), n.i64ArrayAttr("ends", {end}),
          n.i64ArrayAttr("axes", {last}), n.i64ArrayAttr("steps", {step})});
}

/// cos or sin (B, S, half) as (B, S, 1, half), gathered at position_ids.
FailureOr<Value> rotaryCache(NodeImporter &n, size_t index, int64_t batch,
                             int64_t seq, int64_t half) {
  FailureOr<Value> c = n.input(index);
  if (n.hasInput(3))
    c = n.create<graph::GatherOp>(ValueRange{*c, n.input(3)},
                                  {n.i64Attr("axis", 0)});
  if (failed(c))
    return failure();
  auto t = cast<RankedTensorType>(c->getType());
  if (t.getShape() != ArrayRef<int64_t>{batch, seq, half})
    return n.emitError() << "RotaryEmbedding " << (index == 1 ? "cos" : "sin")
                         << "_cache must give (" << batch << ", " << seq << ", "
                         << half << ") per position, got " << t;
  return n.create<graph::UnsqueezeOp>(*c, {n.i64ArrayAttr("axes", {2})});
}

LogicalResult importRotaryEmbedding(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 4)))
    return failure();
  FailureOr<int64_t> interleaved = n.getInt("interleaved", 0);
  FailureOr<int64_t> rotaryDim = n.getInt("rotary_embedding_dim", 0);
  FailureOr<int64_t> heads = n.getInt("num_heads", 0);
  if (failed(interleaved) || failed(rotaryDim) || failed(heads))
    return failure();
  RankedTensorType in = n.inputType(0);
  if (!isa<FloatType>(in.getElementType()) ||
      (in.getRank() != 3 && in.getRank() != 4))
    return n.emitError() << "RotaryEmbedding input must be a 3-D or 4-D "
                            "float tensor, got "
                         << in;
  if (n.hasInput(3) && (n.inputType(3).getRank() != 2 ||
                        !isa<IntegerType>(n.inputType(3).getElementType())))
    return n.emitError() << "RotaryEmbedding position_ids must be a 2-D "
                            "integer tensor, got "
                         << n.inputType(3);
  FailureOr<Value> x;
  if (in.getRank() == 4) {
    x = transpose(n, n.input(0), {0, 2, 1, 3});
  } else {
    int64_t hidden = in.getDimSize(2);
    if (*heads <= 0 || hidden % *heads != 0)
      return n.emitError() << "RotaryEmbedding with a 3-D input needs "
                              "num_heads dividing the hidden size "
                           << hidden << ", got " << *heads;
    x = reshape(n, n.input(0),
                {in.getDimSize(0), in.getDimSize(1), *heads, hidden / *heads});
  }
  if (failed(x))
    return failure();
  ArrayRef<int64_t> s = cast<RankedTensorType>(x->getType()).getShape();
  int64_t size = s[3], rd = *rotaryDim == 0 ? size : *rotaryDim;
  if (rd < 2 || rd > size || rd % 2 != 0)
    return n.emitError() << "RotaryEmbedding rotary_embedding_dim " << rd
                         << " must be even and in [2, " << size << "]";
  int64_t half = rd / 2;
  FailureOr<Value> cos = rotaryCache(n, 1, s[0], s[1], half);
  FailureOr<Value> sin =
      failed(cos) ? cos : rotaryCache(n, 2, s[0], s[1], half);
  FailureOr<Value> x1 = failed(sin)    ? sin
                        : *interleaved ? sliceLast(n, *x, 0, rd, 2)
                                       : sliceLast(n, *x, 0, half);
  FailureOr<Value> x2 = failed(x1)     ? x1
                        : *interleaved ? sliceLast(n, *x, 1, rd, 2)
                                       : sliceLast(n, *x, half, rd);
  if (failed(x2))
    return failure();
  auto mul = [&](Value a, Value b) {
    return n.create<graph::MulOp>(ValueRange{a, b});
  };
  FailureOr<Value> a = mul(*cos, *x1), b = mul(*sin, *x2), c = mul(*sin, *x1),
                   d = mul(*cos, *x2);
  if (failed(a) || failed(b) || failed(c) || failed(d))
    return failure();
  FailureOr<Value> real = n.create<graph::SubOp>(ValueRange{*a, *b});
  FailureOr<Value> imag = n.create<graph::AddOp>(ValueRange{*c, *d});
  if (failed(real) || failed(imag))
    return failure();
  FailureOr<Value> rotated;
  if (*interleaved) {
    FailureOr<Value> r =
        n.create<graph::UnsqueezeOp>(*real, {n.i64ArrayAttr("axes", {4})});
    FailureOr<Value> i =
        n.create<graph::UnsqueezeOp>(*imag, {n.i64ArrayAttr("axes", {4})});
    if (failed(r) || failed(i))
      return failure();
    rotated =
        n.create<graph::ConcatOp>(ValueRange{*r, *i}, {n.i64Attr("axis", 4)});
    if (succeeded(rotated))
      rotated = reshape(n, *rotated, {s[0], s[1], s[2], rd});
  } else {
    rotated = n.create<graph::ConcatOp>(ValueRange{*real, *imag},
                                        {n.i64Attr("axis", 3)});
  }
  if (succeeded(rotated) && rd < size) {
    FailureOr<Value> rest = sliceLast(n, *x, rd, size);
    if (failed(rest))
      return failure();
    rotated = n.create<graph::ConcatOp>(ValueRange{*rotated, *rest},
                                        {n.i64Attr("axis", 3)});
  }
  if (failed(rotated))
    return failure();
  return setCreated(n, in.getRank() == 4 ? transpose(n, *rotated, {0, 2, 1, 3})
                                         : reshape(n, *rotated, in.getShape()));
}

} // namespace

void dlc::registerAttentionOps(OpTable &t) {
  t.add("Attention", 23, kMaxOpset, importAttention);
  t.add("RotaryEmbedding", 23, kMaxOpset, importRotaryEmbedding);
}
