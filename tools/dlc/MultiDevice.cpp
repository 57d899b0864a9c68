//===- MultiDevice.cpp - dlc's libraries for several device kinds ---------===//

#include "MultiDevice.h"
#include "dlc/Codegen/MultiDevice.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace dlc::tool {

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

std::string deviceSuffix(StringRef target) {
  StringRef kind = target.split(':').first;
  if (kind == "cuda")
    return "cuda";
  if (kind == "rocm" || kind == "hip")
    return "hip";
  return kind.str();
}

Expected<std::vector<std::string>> splitDeviceTargets(StringRef target) {
  // A single target keeps its own checks (parseGPUTarget's messages).
  if (!target.contains(','))
    return std::vector<std::string>{target.str()};
  SmallVector<StringRef> tokens;
  target.split(tokens, ',');
  std::vector<std::string> parts;
  for (StringRef t : tokens) {
    bool arch = !t.contains(':') && t != "cpu" && t != "gpu-emu";
    if (arch) {
      if (parts.empty() || parts.back() == "cpu" || parts.back() == "gpu-emu")
        return makeError("--target: '" + t +
                         "' is an architecture with no device kind before "
                         "it (cuda:" + t + ", rocm:" + t + ")");
      parts.back() += "," + t.str();
      continue;
    }
    parts.push_back(t.str());
  }
  for (size_t i = 0; i < parts.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (deviceSuffix(parts[i]) == deviceSuffix(parts[j]))
        return makeError("--target: the device kind of '" + parts[i] +
                         "' is given twice (list its architectures once: "
                         "cuda:sm_80,sm_90)");
  if (parts.size() > 1)
    for (const std::string &p : parts)
      if (p == "gpu-emu")
        return makeError("--target: gpu-emu runs in dlc-run only; it cannot "
                         "be part of a multi-device library");
  return parts;
}

/// Writes `bytes` to `path` through a temporary file renamed into place.
static Error writeFile(StringRef path, StringRef bytes) {
  SmallString<256> tmp(path);
  tmp += ".tmp";
  std::error_code ec;
  {
    raw_fd_ostream os(tmp, ec, sys::fs::OF_None);
    if (ec)
      return makeError("cannot write '" + tmp + "': " + ec.message());
    os << bytes;
    os.close();
    if (os.has_error()) {
      sys::fs::remove(tmp);
      return makeError("cannot write '" + tmp + "'");
    }
  }
  if ((ec = sys::fs::rename(tmp, path))) {
    sys::fs::remove(tmp);
    return makeError("cannot write '" + path + "': " + ec.message());
  }
  return Error::success();
}

Expected<std::string> writeMultiDeviceLibrary(StringRef dir, StringRef name,
                                              ArrayRef<LibraryPart> parts,
                                              StringRef modelPath) {
  std::vector<NewArchiveMember> members;
  std::vector<std::string> memberNames;
  memberNames.reserve(parts.size());
  for (const LibraryPart &p : parts) {
    memberNames.push_back(p.signature.name + ".o");
    members.emplace_back(MemoryBufferRef(
        StringRef(p.object.data(), p.object.size()), memberNames.back()));
  }
  auto archive = writeArchiveToBuffer(members, SymtabWritingMode::NormalSymtab,
                                      object::Archive::K_GNU,
                                      /*Deterministic=*/true, /*Thin=*/false);
  if (!archive)
    return archive.takeError();
  std::vector<codegen::ModelSignature> sigs;
  for (const LibraryPart &p : parts)
    sigs.push_back(p.signature);
  std::string header =
      codegen::generateMultiDeviceHeader(name, sigs, modelPath);
  if (std::error_code ec = sys::fs::create_directories(dir))
    return makeError("cannot create output folder '" + dir +
                     "': " + ec.message());
  SmallString<256> libPath(dir), headerPath(dir);
  sys::path::append(libPath, "lib" + name + ".a");
  sys::path::append(headerPath, name + ".h");
  std::vector<std::string> written;
  auto undo = [&] {
    for (const std::string &w : written)
      sys::fs::remove(w);
  };
  for (const LibraryPart &p : parts) {
    if (!p.signature.externalWeights)
      continue;
    SmallString<256> w(dir);
    sys::path::append(w, p.signature.name + ".weights");
    if (Error e = writeFile(w, StringRef(p.signature.weightsBlob.data(),
                                          p.signature.weightsBlob.size()))) {
      undo();
      return e;
    }
    written.push_back(w.str().str());
  }
  if (Error e = writeFile(libPath, (*archive)->getBuffer())) {
    undo();
    return e;
  }
  written.push_back(libPath.str().str());
  if (Error e = writeFile(headerPath, header)) {
    undo();
    return e;
  }
  return (libPath + " and " + headerPath).str();
}

} // namespace dlc::tool
