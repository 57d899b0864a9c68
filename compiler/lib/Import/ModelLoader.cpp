//===- ModelLoader.cpp - read ONNX files ----------------------------------===//

#include "ModelLoader.h"

#include "onnx/defs/parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <google/protobuf/io/coded_stream.h>
#include <exception>

using namespace llvm;

namespace dlc {

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

static bool looksLikeText(StringRef path, StringRef content) {
  if (path.ends_with(".onnxtxt") || path.ends_with(".txt"))
    return true;
  StringRef trimmed = content.ltrim();
  return trimmed.starts_with("<");
}

Error loadModel(StringRef path, onnx::ModelProto &model) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> file =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/true);
  if (std::error_code ec = file.getError())
    return makeError("cannot read '" + path + "': " + ec.message());
  StringRef content = (*file)->getBuffer();
  if (content.empty())
    return makeError("'" + path + "' is empty, not an ONNX model");

  if (looksLikeText(path, content)) {
    onnx::OnnxParser parser(content.data());
    onnx::Status status;
    // The ONNX parser converts literals with std::stoll/std::stof, which
    // throw on out-of-range numbers (e.g. "ir_version: 99999999999999999999").
    try {
      status = parser.Parse(model);
    } catch (const std::exception &e) {
      return makeError("'" + path +
                       "' is not a valid ONNX text model: a literal is out "
                       "of range or malformed (" +
                       e.what() + ")");
    }
    if (!status.IsOK())
      return makeError("'" + path + "' is not a valid ONNX text model: " +
                       status.ErrorMessage());
    if (!parser.EndOfInput())
      return makeError("'" + path +
                       "': unexpected text after the end of the model");
    return Error::success();
  }

  if (content.size() > static_cast<size_t>(INT32_MAX))
    return makeError("'" + path +
                     "' is larger than 2 GiB; store the weights as external "
                     "data next to the model");
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(content.data()),
      static_cast<int>(content.size()));
  stream.SetTotalBytesLimit(INT32_MAX);
  stream.SetRecursionLimit(64);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return makeError("'" + path +
                     "' is not a valid ONNX model (protobuf parse failed)");
  return Error::success();
}

Error loadTensor(StringRef path, onnx::TensorProto &tensor) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(path);
  if (std::error_code ec = file.getError())
    return makeError("cannot read '" + path + "': " + ec.message());
  StringRef content = (*file)->getBuffer();
  if (content.size() > static_cast<size_t>(INT32_MAX) ||
      !tensor.ParseFromArray(content.data(), static_cast<int>(content.size())))
    return makeError("'" + path + "' is not a valid ONNX TensorProto file");
  return Error::success();
}

Error readExternalData(StringRef modelDir, StringRef location, int64_t offset,
                       int64_t length, std::string &out) {
  if (location.empty())
    return makeError("external data has an empty 'location'");
  if (location.contains('\0'))
    return makeError("external data location contains a NUL byte");
  if (sys::path::is_absolute(location) || location.starts_with("/") ||
      location.starts_with("\\"))
    return makeError("external data location '" + location +
                     "' is an absolute path; only files inside the model's "
                     "folder may be read");
  for (auto it = sys::path::begin(location), e = sys::path::end(location);
       it != e; ++it)
    if (*it == "..")
      return makeError("external data location '" + location +
                       "' leaves the model's folder ('..')");
  if (offset < 0 || length < -1)
    return makeError("external data '" + location +
                     "' has a negative offset or length");

  SmallString<256> full(modelDir);
  sys::path::append(full, location);
  // Every component below the model folder must be a plain folder or file.
  SmallString<256> partial(modelDir);
  for (auto it = sys::path::begin(location), e = sys::path::end(location);
       it != e; ++it) {
    sys::path::append(partial, *it);
    sys::fs::file_status status;
    if (std::error_code ec =
            sys::fs::status(partial, status, /*follow=*/false))
      return makeError("cannot open external data '" + location +
                       "': " + ec.message());
    if (sys::fs::is_symlink_file(status))
      return makeError("external data location '" + location +
                       "' goes through a symbolic link, which is not allowed");
  }
  SmallString<256> realDir, realFile;
  if (sys::fs::real_path(modelDir, realDir) ||
      sys::fs::real_path(full, realFile) ||
      !StringRef(realFile).starts_with((realDir + "/").str()))
    return makeError("external data '" + location +
                     "' is not inside the model's folder");
  if (!sys::fs::is_regular_file(full))
    return makeError("external data '" + location + "' is not a regular file");

  uint64_t fileSize = 0;
  if (std::error_code ec = sys::fs::file_size(full, fileSize))
    return makeError("cannot stat external data '" + location +
                     "': " + ec.message());
  uint64_t start = static_cast<uint64_t>(offset);
  if (start > fileSize)
    return makeError("external data '" + location + "': offset " +
                     Twine(offset) + " is beyond the file's " +
                     Twine(fileSize) + " bytes");
  uint64_t count = length < 0 ? fileSize - start : static_cast<uint64_t>(length);
  if (count > fileSize - start)
    return makeError("external data '" + location + "': offset " +
                     Twine(offset) + " + length " + Twine(length) +
                     " is beyond the file's " + Twine(fileSize) + " bytes");
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileSlice(full, count, start);
  if (std::error_code ec = buffer.getError())
    return makeError("cannot read external data '" + location +
                     "': " + ec.message());
  out.assign((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  return Error::success();
}

} // namespace dlc
