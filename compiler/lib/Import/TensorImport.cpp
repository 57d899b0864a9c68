//===- TensorImport.cpp - ONNX tensors to MLIR attributes -----------------===//

#include "TensorImport.h"
#include "ModelLoader.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"

using namespace mlir;
using namespace llvm;

namespace dlc {

using TP = onnx::TensorProto;

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

std::string onnxTypeName(int32_t onnxType) {
  static const char *const newer[] = {
      "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4",
      "INT4",         "FLOAT4E2M1",     "FLOAT8E8M0", "UINT2",          "INT2"};
  if (onnxType >= kOnnxFloat8E4M3FN && onnxType <= kOnnxInt2)
    return newer[onnxType - kOnnxFloat8E4M3FN];
  if (TP::DataType_IsValid(onnxType))
    return TP::DataType_Name(static_cast<TP::DataType>(onnxType));
  return "data type " + std::to_string(onnxType);
}

Expected<Type> convertElementType(MLIRContext *context, int32_t onnxType) {
  Builder b(context);
  switch (onnxType) {
  case TP::FLOAT:
    return b.getF32Type();
  case TP::DOUBLE:
    return b.getF64Type();
  case TP::FLOAT16:
    return b.getF16Type();
  case TP::BFLOAT16:
    return b.getBF16Type();
  case TP::INT64:
    return b.getIntegerType(64);
  case TP::INT32:
    return b.getIntegerType(32);
  case TP::INT16:
    return b.getIntegerType(16);
  case TP::INT8:
    return b.getIntegerType(8);
  case TP::UINT8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case TP::UINT16:
    return IntegerType::get(context, 16, IntegerType::Unsigned);
  case TP::UINT32:
    return IntegerType::get(context, 32, IntegerType::Unsigned);
  case TP::UINT64:
    return IntegerType::get(context, 64, IntegerType::Unsigned);
  case TP::BOOL:
    return b.getIntegerType(1);
  case kOnnxFloat8E4M3FN:
    return b.getType<Float8E4M3FNType>();
  case kOnnxFloat8E4M3FNUZ:
    return b.getType<Float8E4M3FNUZType>();
  case kOnnxFloat8E5M2:
    return b.getType<Float8E5M2Type>();
  case kOnnxFloat8E5M2FNUZ:
    return b.getType<Float8E5M2FNUZType>();
  case kOnnxFloat8E8M0:
    return b.getType<Float8E8M0FNUType>();
  case kOnnxFloat4E2M1:
    return b.getType<Float4E2M1FNType>();
  case kOnnxUint4:
    return IntegerType::get(context, 4, IntegerType::Unsigned);
  case kOnnxInt4:
    return b.getIntegerType(4);
  case kOnnxUint2:
    return IntegerType::get(context, 2, IntegerType::Unsigned);
  case kOnnxInt2:
    return b.getIntegerType(2);
  default:
    return makeError("unsupported tensor data type " + onnxTypeName(onnxType));
  }
}

/// Bytes of one element as stored in raw_data (1 for the packed sub-byte
/// types, whose payload is checked by packedBytes).
static unsigned rawElementBytes(Type type) {
  if (type.isInteger(1))
    return 1;
  return std::max(1u, type.getIntOrFloatBitWidth() / 8);
}

/// Elements of a sub-byte type per raw_data byte (4-bit: 2, 2-bit: 4);
/// 0 for the byte-sized types.
static unsigned elementsPerByte(Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  return type.isInteger(1) || width >= 8 ? 0 : 8 / width;
}

/// Unpacks sub-byte elements (the first element in the lowest bits of the
/// first byte) into one APInt of `width` bits each.
static DenseElementsAttr unpackSubByte(RankedTensorType type,
                                       ArrayRef<uint8_t> bytes, int64_t count) {
  Type element = type.getElementType();
  unsigned width = element.getIntOrFloatBitWidth(), perByte = 8 / width;
  SmallVector<APInt> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    unsigned bits =
        (bytes[i / perByte] >> ((i % perByte) * width)) & ((1u << width) - 1);
    values.push_back(APInt(width, bits));
  }
  if (auto f = dyn_cast<FloatType>(element)) {
    SmallVector<APFloat> floats;
    for (const APInt &v : values)
      floats.emplace_back(f.getFloatSemantics(), v);
    return DenseElementsAttr::get(type, floats);
  }
  return DenseElementsAttr::get(type, values);
}

static Expected<DenseElementsAttr> fromRaw(RankedTensorType type,
                                           StringRef bytes, int64_t count) {
  Type element = type.getElementType();
  if (unsigned perByte = elementsPerByte(element)) {
    uint64_t expected = (uint64_t(count) + perByte - 1) / perByte;
    if (bytes.size() != expected)
      return makeError("payload has " + Twine(bytes.size()) +
                       " bytes, but shape and data type need " +
                       Twine(expected) + " (packed, " + Twine(perByte) +
                       " elements a byte)");
    return unpackSubByte(
        type,
        ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                          bytes.size()),
        count);
  }
  uint64_t expected = uint64_t(count) * rawElementBytes(element);
  if (bytes.size() != expected)
    return makeError("payload has " + Twine(bytes.size()) +
                     " bytes, but shape and data type need " +
                     Twine(expected));
  if (element.isInteger(1)) {
    SmallVector<bool> values;
    values.reserve(count);
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  static_assert(llvm::endianness::native == llvm::endianness::little,
                "raw_data is little-endian");
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size()));
}

template <typename Field>
static Error checkCount(const Field &field, int64_t count, StringRef name) {
  if (field.size() != count)
    return makeError(Twine(name) + " has " + Twine(field.size()) +
                     " values, but the shape needs " + Twine(count));
  return Error::success();
}

static Expected<DenseElementsAttr> fromTyped(RankedTensorType type,
                                             const TP &tensor, int64_t count) {
  Type element = type.getElementType();
  int32_t dtype = tensor.data_type();
  switch (dtype) {
  case TP::FLOAT: {
    if (Error e = checkCount(tensor.float_data(), count, "float_data"))
      return e;
    return DenseElementsAttr::get(
        type, ArrayRef<float>(tensor.float_data().data(), count));
  }
  case TP::DOUBLE: {
    if (Error e = checkCount(tensor.double_data(), count, "double_data"))
      return e;
    return DenseElementsAttr::get(
        type, ArrayRef<double>(tensor.double_data().data(), count));
  }
  case TP::INT64: {
    if (Error e = checkCount(tensor.int64_data(), count, "int64_data"))
      return e;
    return DenseElementsAttr::get(
        type, ArrayRef<int64_t>(tensor.int64_data().data(), count));
  }
  case TP::BOOL: {
    if (Error e = checkCount(tensor.int32_data(), count, "int32_data"))
      return e;
    SmallVector<bool> values;
    for (int32_t v : tensor.int32_data())
      values.push_back(v != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  case TP::FLOAT16:
  case TP::BFLOAT16: {
    if (Error e = checkCount(tensor.int32_data(), count, "int32_data"))
      return e;
    SmallVector<APFloat> values;
    const fltSemantics &sem = cast<FloatType>(element).getFloatSemantics();
    for (int32_t v : tensor.int32_data())
      values.emplace_back(sem, APInt(16, static_cast<uint16_t>(v)));
    return DenseElementsAttr::get(type, values);
  }
  case TP::UINT32:
  case TP::UINT64: {
    if (Error e = checkCount(tensor.uint64_data(), count, "uint64_data"))
      return e;
    unsigned width = element.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (uint64_t v : tensor.uint64_data())
      values.push_back(APInt(64, v).zextOrTrunc(width));
    return DenseElementsAttr::get(type, values);
  }
  case kOnnxFloat8E4M3FN:
  case kOnnxFloat8E4M3FNUZ:
  case kOnnxFloat8E5M2:
  case kOnnxFloat8E5M2FNUZ:
  case kOnnxFloat8E8M0: {
    // One float8 bit pattern per int32_data value.
    if (Error e = checkCount(tensor.int32_data(), count, "int32_data"))
      return e;
    SmallVector<APFloat> values;
    const fltSemantics &sem = cast<FloatType>(element).getFloatSemantics();
    for (int32_t v : tensor.int32_data())
      values.emplace_back(sem, APInt(8, static_cast<uint8_t>(v)));
    return DenseElementsAttr::get(type, values);
  }
  case kOnnxUint4:
  case kOnnxInt4:
  case kOnnxFloat4E2M1:
  case kOnnxUint2:
  case kOnnxInt2: {
    // Packed like raw_data, one byte per int32_data value.
    unsigned perByte = elementsPerByte(element);
    int64_t need = (count + perByte - 1) / perByte;
    if (Error e = checkCount(tensor.int32_data(), need, "int32_data"))
      return e;
    SmallVector<uint8_t> bytes;
    for (int32_t v : tensor.int32_data())
      bytes.push_back(static_cast<uint8_t>(v));
    return unpackSubByte(type, bytes, count);
  }
  default: {
    // INT32, INT16, INT8, UINT8, UINT16: stored widened in int32_data.
    if (Error e = checkCount(tensor.int32_data(), count, "int32_data"))
      return e;
    unsigned width = element.getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int32_t v : tensor.int32_data())
      values.push_back(APInt(width, static_cast<uint64_t>(int64_t(v)),
                             /*isSigned=*/true, /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, values);
  }
  }
}

Expected<DenseElementsAttr> convertTensor(MLIRContext *context,
                                          const TP &tensor,
                                          StringRef modelDir) {
  std::string name = tensor.name().empty() ? "<unnamed>" : tensor.name();
  auto fail = [&](const Twine &why) {
    return makeError("tensor '" + name + "': " + why);
  };
  Expected<Type> element = convertElementType(context, tensor.data_type());
  if (!element)
    return fail(toString(element.takeError()));
  if (tensor.has_segment())
    return fail("segmented tensors are not supported");

  SmallVector<int64_t> shape;
  uint64_t count = 1;
  uint64_t elementBytes = rawElementBytes(*element);
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return fail("negative dimension " + Twine(dim));
    if (dim != 0 && count > kMaxTensorBytes / elementBytes / uint64_t(dim))
      return fail("too large (more than " + Twine(kMaxTensorBytes >> 30) +
                  " GiB)");
    count *= uint64_t(dim);
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, *element);

  Expected<DenseElementsAttr> result =
      [&]() -> Expected<DenseElementsAttr> {
    if (tensor.data_location() != TP::EXTERNAL)
      return tensor.has_raw_data() ? fromRaw(type, tensor.raw_data(), count)
                                   : fromTyped(type, tensor, count);
    int64_t offset = 0, length = -1;
    std::string location;
    for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
      const std::string &key = entry.key(), &value = entry.value();
      if (key == "location") {
        location = value;
        continue;
      }
      if (key != "offset" && key != "length")
        continue;
      int64_t parsed = 0;
      if (StringRef(value).getAsInteger(10, parsed) || parsed < 0)
        return makeError("external data " + Twine(key) + " '" + value +
                         "' is not a non-negative integer");
      (key == "offset" ? offset : length) = parsed;
    }
    std::string bytes;
    if (Error e = readExternalData(modelDir, location, offset, length, bytes))
      return e;
    return fromRaw(type, bytes, count);
  }();
  if (!result)
    return fail(toString(result.takeError()));
  return result;
}

} // namespace dlc
