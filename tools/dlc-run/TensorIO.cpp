//===- TensorIO.cpp - dlc-run's tensors and their files -------------------===//

#include "TensorIO.h"
#include "dlc/Compiler/Importer.h"
#include "dlc/runtime.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>

using namespace llvm;

namespace dlc::run {

int32_t dtypeOf(mlir::Type t) {
  if (t.isF32())
    return DLC_FLOAT32;
  if (t.isUnsignedInteger(8))
    return DLC_UINT8;
  if (t.isUnsignedInteger(16))
    return DLC_UINT16;
  if (t.isUnsignedInteger(32))
    return DLC_UINT32;
  if (t.isUnsignedInteger(64))
    return DLC_UINT64;
  if (t.isUnsignedInteger(4))
    return DLC_UINT4;
  if (t.isUnsignedInteger(2))
    return DLC_UINT2;
  if (t.isInteger(4))
    return DLC_INT4;
  if (t.isInteger(2))
    return DLC_INT2;
  if (isa<mlir::Float8E4M3FNType>(t))
    return DLC_FLOAT8E4M3FN;
  if (isa<mlir::Float8E4M3FNUZType>(t))
    return DLC_FLOAT8E4M3FNUZ;
  if (isa<mlir::Float8E5M2Type>(t))
    return DLC_FLOAT8E5M2;
  if (isa<mlir::Float8E5M2FNUZType>(t))
    return DLC_FLOAT8E5M2FNUZ;
  if (isa<mlir::Float4E2M1FNType>(t))
    return DLC_FLOAT4E2M1;
  if (isa<mlir::Float8E8M0FNUType>(t))
    return DLC_FLOAT8E8M0;
  if (t.isInteger(8))
    return DLC_INT8;
  if (t.isInteger(16))
    return DLC_INT16;
  if (t.isInteger(32))
    return DLC_INT32;
  if (t.isInteger(64))
    return DLC_INT64;
  if (t.isInteger(1))
    return DLC_BOOL;
  if (t.isF16())
    return DLC_FLOAT16;
  if (t.isF64())
    return DLC_FLOAT64;
  if (t.isBF16())
    return DLC_BFLOAT16;
  return 0;
}

Expected<HostTensor> fromAttr(mlir::DenseElementsAttr attr, StringRef name) {
  HostTensor t;
  t.name = name.str();
  auto type = attr.getType();
  t.dtype = dtypeOf(type.getElementType());
  if (!t.dtype)
    return createStringError(inconvertibleErrorCode(),
                             "tensor '" + name + "' has an unsupported type");
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  size_t elementSize = dlc_dtype_size(t.dtype);
  int64_t n = type.getNumElements();
  t.bytes.resize(n * elementSize);
  if (type.getElementType().isInteger(1)) {
    int64_t i = 0;
    for (bool b : attr.getValues<bool>())
      t.bytes[i++] = b ? 1 : 0;
    return t;
  }
  ArrayRef<char> raw = attr.getRawData();
  if (n == 0)
    return t;
  if (attr.isSplat()) {
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(t.bytes.data() + i * elementSize, raw.data(), elementSize);
  } else {
    std::memcpy(t.bytes.data(), raw.data(), t.bytes.size());
  }
  return t;
}

Expected<HostTensor> readPb(StringRef path, mlir::MLIRContext &context) {
  std::string name;
  auto attr = dlc::readTensorFile(path, context, &name);
  if (!attr)
    return attr.takeError();
  return fromAttr(*attr, name);
}

/// Reads a NumPy .npy file (format 1.0/2.0, little-endian, C order).
Expected<HostTensor> readNpy(StringRef path, StringRef name) {
  auto err = [&](const Twine &m) {
    return createStringError(inconvertibleErrorCode(), "'" + path + "': " + m);
  };
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return err(buffer.getError().message());
  StringRef data = (*buffer)->getBuffer();
  if (data.size() < 10 || !data.starts_with("\x93NUMPY"))
    return err("not a .npy file");
  uint8_t major = data[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = uint8_t(data[8]) | (uint8_t(data[9]) << 8);
    offset = 10;
  } else {
    if (data.size() < 12)
      return err("truncated header");
    headerLen = uint8_t(data[8]) | (uint8_t(data[9]) << 8) |
                (uint32_t(uint8_t(data[10])) << 16) |
                (uint32_t(uint8_t(data[11])) << 24);
    offset = 12;
  }
  if (offset + headerLen > data.size())
    return err("truncated header");
  StringRef header = data.substr(offset, headerLen);
  auto field = [&](StringRef key) -> StringRef {
    size_t at = header.find(key);
    if (at == StringRef::npos)
      return "";
    StringRef rest = header.substr(at + key.size()).ltrim(" :");
    return rest;
  };
  StringRef descr = field("'descr'");
  if (!descr.consume_front("'"))
    return err("no dtype in header");
  descr = descr.take_until([](char c) { return c == '\''; });
  HostTensor t;
  t.name = name.str();
  static const std::pair<const char *, int32_t> kinds[] = {
      {"<f4", DLC_FLOAT32}, {"<f8", DLC_FLOAT64}, {"<f2", DLC_FLOAT16},
      {"<i8", DLC_INT64},   {"<i4", DLC_INT32},   {"<i2", DLC_INT16},
      {"|i1", DLC_INT8},    {"|u1", DLC_UINT8},   {"|b1", DLC_BOOL},
      {"<u2", DLC_UINT16},  {"<u4", DLC_UINT32},  {"<u8", DLC_UINT64}};
  for (auto &[k, d] : kinds)
    if (descr == k)
      t.dtype = d;
  if (!t.dtype)
    return err("unsupported dtype '" + descr + "'");
  if (field("'fortran_order'").starts_with("True"))
    return err("Fortran-order arrays are not supported");
  StringRef shape = field("'shape'");
  if (!shape.consume_front("("))
    return err("no shape in header");
  shape = shape.take_until([](char c) { return c == ')'; });
  SmallVector<StringRef> dims;
  shape.split(dims, ',', -1, false);
  int64_t count = 1;
  for (StringRef d : dims) {
    d = d.trim();
    if (d.empty())
      continue;
    int64_t v;
    if (d.getAsInteger(10, v) || v < 0)
      return err("bad dimension '" + d + "'");
    t.shape.push_back(v);
    count *= v;
  }
  size_t bytes = count * dlc_dtype_size(t.dtype);
  if (data.size() - offset - headerLen != bytes)
    return err("payload has " + Twine(data.size() - offset - headerLen) +
               " bytes, the header says " + Twine(bytes));
  StringRef payload = data.substr(offset + headerLen);
  t.bytes.assign(payload.begin(), payload.end());
  return t;
}

void convertFloats(HostTensor &t, int32_t dtype) {
  size_t n = t.bytes.size() / dlc_dtype_size(t.dtype);
  std::vector<char> out(n * dlc_dtype_size(dtype));
  const fltSemantics &half = dtype == DLC_BFLOAT16 || t.dtype == DLC_BFLOAT16
                                 ? APFloat::BFloat()
                                 : APFloat::IEEEhalf();
  for (size_t i = 0; i < n; ++i) {
    if (dtype == DLC_FLOAT32) {
      float v = float(elementAsDouble(t, i));
      std::memcpy(out.data() + 4 * i, &v, 4);
      continue;
    }
    float v;
    std::memcpy(&v, t.bytes.data() + 4 * i, 4);
    APFloat f(v);
    bool lost = false;
    f.convert(half, APFloat::rmNearestTiesToEven, &lost);
    uint16_t h = uint16_t(f.bitcastToAPInt().getZExtValue());
    std::memcpy(out.data() + 2 * i, &h, 2);
  }
  t.bytes = std::move(out);
  t.dtype = dtype;
}

const llvm::fltSemantics *smallFloatSemantics(int32_t dtype) {
  switch (dtype) {
  case DLC_FLOAT8E4M3FN:
    return &APFloat::Float8E4M3FN();
  case DLC_FLOAT8E4M3FNUZ:
    return &APFloat::Float8E4M3FNUZ();
  case DLC_FLOAT8E5M2:
    return &APFloat::Float8E5M2();
  case DLC_FLOAT8E5M2FNUZ:
    return &APFloat::Float8E5M2FNUZ();
  case DLC_FLOAT4E2M1:
    return &APFloat::Float4E2M1FN();
  case DLC_FLOAT8E8M0:
    return &APFloat::Float8E8M0FNU();
  default:
    return nullptr;
  }
}

double elementAsDouble(const HostTensor &t, size_t i) {
  const char *p = t.bytes.data();
  switch (t.dtype) {
  case DLC_FLOAT32: {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case DLC_FLOAT64: {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  }
  case DLC_FLOAT16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    APFloat f(APFloat::IEEEhalf(), APInt(16, h));
    return f.convertToDouble();
  }
  case DLC_BFLOAT16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    APFloat f(APFloat::BFloat(), APInt(16, h));
    return f.convertToDouble();
  }
  case DLC_INT64: {
    int64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return double(v);
  }
  case DLC_INT32: {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case DLC_INT16: {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case DLC_UINT64: {
    uint64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return double(v);
  }
  case DLC_UINT32: {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case DLC_UINT16: {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case DLC_INT8:
    return int8_t(p[i]);
  case DLC_UINT8:
  case DLC_BOOL:
    return uint8_t(p[i]);
  case DLC_UINT4:
    return uint8_t(p[i]) & 0xf;
  case DLC_UINT2:
    return uint8_t(p[i]) & 0x3;
  case DLC_INT4:
    return int8_t(uint8_t(p[i]) << 4) >> 4;
  case DLC_INT2:
    return int8_t(uint8_t(p[i]) << 6) >> 6;
  }
  if (const llvm::fltSemantics *sem = smallFloatSemantics(t.dtype)) {
    unsigned width = t.dtype == DLC_FLOAT4E2M1 ? 4 : 8;
    APFloat f(*sem, APInt(width, uint8_t(p[i]) & ((1u << width) - 1)));
    return f.convertToDouble();
  }
  return 0;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

/// The .npy dtype string of a runtime dtype, "" when NumPy has none.
static StringRef npyDescr(int32_t dtype) {
  switch (dtype) {
  case DLC_FLOAT32:
    return "<f4";
  case DLC_FLOAT64:
    return "<f8";
  case DLC_FLOAT16:
    return "<f2";
  case DLC_INT64:
    return "<i8";
  case DLC_INT32:
    return "<i4";
  case DLC_INT16:
    return "<i2";
  case DLC_INT8:
    return "|i1";
  case DLC_UINT8:
    return "|u1";
  case DLC_UINT16:
    return "<u2";
  case DLC_UINT32:
    return "<u4";
  case DLC_UINT64:
    return "<u8";
  case DLC_BOOL:
    return "|b1";
  default:
    return "";
  }
}

Error writeNpy(StringRef path, const HostTensor &t) {
  StringRef descr = npyDescr(t.dtype);
  if (descr.empty())
    return createStringError(inconvertibleErrorCode(),
                             "output '" + t.name + "' is " +
                                 dlc_dtype_name(t.dtype) +
                                 ", which has no .npy dtype (use "
                                 "--output-format=pb)");
  std::string header =
      "{'descr': '" + descr.str() + "', 'fortran_order': False, 'shape': (";
  for (int64_t d : t.shape)
    header += std::to_string(d) + ",";
  if (t.shape.size() > 1)
    header.pop_back(); // (2,) for rank 1, (2,3) above
  header += "), }";
  // The magic, version and length take 10 bytes; the header ends with a
  // newline and pads the data to 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  return writeToOutput(path, [&](raw_ostream &os) {
    os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
       << char(header.size() >> 8) << header;
    os.write(t.bytes.data(), t.bytes.size());
    return Error::success();
  });
}

Error writePb(StringRef path, const HostTensor &t) {
  onnx::TensorProto proto;
  proto.set_name(t.name);
  proto.set_data_type(t.dtype);
  for (int64_t d : t.shape)
    proto.add_dims(d);
  unsigned width = 0;
  if (t.dtype == DLC_UINT4 || t.dtype == DLC_INT4 || t.dtype == DLC_FLOAT4E2M1)
    width = 4;
  else if (t.dtype == DLC_UINT2 || t.dtype == DLC_INT2)
    width = 2;
  if (width) {
    // ONNX packs the sub-byte types: the first element in the low bits.
    unsigned perByte = 8 / width;
    std::string packed((t.bytes.size() + perByte - 1) / perByte, '\0');
    for (size_t i = 0; i < t.bytes.size(); ++i)
      packed[i / perByte] |= char((uint8_t(t.bytes[i]) & ((1u << width) - 1))
                                  << ((i % perByte) * width));
    proto.set_raw_data(packed);
  } else {
    proto.set_raw_data(std::string(t.bytes.begin(), t.bytes.end()));
  }
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    return createStringError(inconvertibleErrorCode(),
                             "cannot serialize output '" + t.name + "'");
  return writeToOutput(path, [&](raw_ostream &os) {
    os << bytes;
    return Error::success();
  });
}

std::string sanitizeFileName(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(isAlnum(c) || c == '.' || c == '-' || c == '_' ? c : '_');
  if (out.empty() || out.front() == '.')
    out.insert(out.begin(), '_');
  return out;
}

} // namespace dlc::run
