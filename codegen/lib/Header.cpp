//===- Header.cpp - the C header of a compiled model ----------------------===//
//
// The header declares the model's descriptor and typed wrappers around
// dlc_model_create / dlc_model_run_raw, and states the tensors, weights and
// arena of the library in its comment.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/CPUTarget.h"
#include "dlc/Codegen/MultiDevice.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using llvm::StringRef;

namespace dlc::codegen {

static StringRef cType(int32_t dtype) {
  switch (dtype) {
  case 1:
    return "float";
  case 2:
  case 17: // the float8 types: their bits
  case 18:
  case 19:
  case 20:
  case 24:
  case 21: // 4-bit and 2-bit types: one element a byte
  case 23:
  case 25:
    return "uint8_t";
  case 3:
  case 22:
  case 26:
    return "int8_t";
  case 5:
    return "int16_t";
  case 6:
    return "int32_t";
  case 7:
    return "int64_t";
  case 9:
    return "bool";
  case 4:
  case 10:
  case 16:
    return "uint16_t";
  case 12:
    return "uint32_t";
  case 13:
    return "uint64_t";
  case 11:
    return "double";
  default:
    return "void";
  }
}

static StringRef dtypeName(int32_t dtype) {
  switch (dtype) {
  case 1:
    return "float32";
  case 2:
    return "uint8";
  case 3:
    return "int8";
  case 5:
    return "int16";
  case 6:
    return "int32";
  case 7:
    return "int64";
  case 9:
    return "bool";
  case 10:
    return "float16";
  case 11:
    return "float64";
  case 16:
    return "bfloat16";
  case 4:
    return "uint16";
  case 12:
    return "uint32";
  case 13:
    return "uint64";
  case 17:
    return "float8e4m3fn";
  case 18:
    return "float8e4m3fnuz";
  case 19:
    return "float8e5m2";
  case 20:
    return "float8e5m2fnuz";
  case 21:
    return "uint4";
  case 22:
    return "int4";
  case 23:
    return "float4e2m1";
  case 24:
    return "float8e8m0";
  case 25:
    return "uint2";
  case 26:
    return "int2";
  default:
    return "unknown";
  }
}

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

/// "sm_80 cubin, sm_80 PTX, sm_90 cubin" for the header.
static std::string imageArchs(const ModelSignature &sig) {
  std::string s;
  for (const KernelImage &image : sig.images) {
    if (!s.empty())
      s += ", ";
    s += image.arch + (image.format == 1   ? " cubin"
                       : image.format == 2 ? " PTX"
                                           : " code object");
  }
  return s;
}

/// The typed run and destroy wrappers of `name`: one pointer per tensor,
/// named after it; with `gpu` also the device-resident run.
static void emitRunWrappers(llvm::raw_ostream &os, llvm::StringRef name,
                            const ModelSignature &sig, bool gpu) {
  std::vector<std::string> used;
  auto param = [&](const TensorSignature &t) {
    std::string p = sanitizeIdentifier(t.name);
    while (llvm::is_contained(used, p) || p == "model" || p == "inputs" ||
           p == "outputs")
      p += "_";
    used.push_back(p);
    return p;
  };
  std::vector<std::string> inNames, outNames;
  for (const TensorSignature &t : sig.inputs)
    inNames.push_back(param(t));
  for (const TensorSignature &t : sig.outputs)
    outNames.push_back(param(t));
  // One wrapper: `fn` with the pointer parameters (`where` in their
  // comments), calling `call` on the two pointer arrays.
  auto wrapper = [&](llvm::StringRef fn, llvm::StringRef extraParam,
                     llvm::StringRef where, llvm::StringRef call) {
    os << "static inline dlc_status " << name << fn << "(dlc_model *model"
       << extraParam;
    for (auto [t, n] : llvm::zip(sig.inputs, inNames))
      os << ",\n    const " << cType(t.dtype) << " *" << n << " /* "
         << dtypeName(t.dtype) << shapeString(t.shape) << where << " */";
    for (auto [t, n] : llvm::zip(sig.outputs, outNames))
      os << ",\n    " << cType(t.dtype) << " *" << n << " /* "
         << dtypeName(t.dtype) << shapeString(t.shape) << where << " */";
    os << ") {\n  const void *inputs[] = {";
    if (inNames.empty())
      os << "NULL";
    for (auto [i, n] : llvm::enumerate(inNames))
      os << (i ? ", " : "") << n;
    os << "};\n  void *outputs[] = {";
    for (auto [i, n] : llvm::enumerate(outNames))
      os << (i ? ", " : "") << n;
    os << "};\n  return " << call << ";\n}\n\n";
  };
  os << "/* Runs the model; each pointer is a dense row-major buffer. */\n";
  wrapper("_run", "", "", "dlc_model_run_raw(model, inputs, outputs)");
  if (gpu) {
    os << "/* GPU devices: the same on device pointers, enqueued on `stream`\n"
       << "   (a CUstream / hipStream_t; NULL: the model's own) without\n"
       << "   waiting (dlc_model_run_device). */\n";
    wrapper("_run_device", ", void *stream", ", device",
            "dlc_model_run_device(model, stream, inputs, outputs)");
  }
  os << "static inline void " << name
     << "_destroy(dlc_model *model) { dlc_model_destroy(model); }\n\n";
}

/// The device line of a header: "cpu", "cuda (kernels for ...)".
static std::string deviceDescription(const ModelSignature &sig) {
  return sig.deviceKind == 2   ? "cuda (kernels for " + imageArchs(sig) + ")"
         : sig.deviceKind == 3 ? "hip (kernels for " + imageArchs(sig) + ")"
                               : std::string("cpu");
}

/// The tensor lines of a header's comment.
static void emitTensorComment(llvm::raw_ostream &os,
                              const ModelSignature &sig) {
  os << " * Inputs:\n";
  for (const TensorSignature &t : sig.inputs)
    os << " *   " << t.name << ": " << dtypeName(t.dtype)
       << shapeString(t.shape) << "\n";
  os << " * Outputs:\n";
  for (const TensorSignature &t : sig.outputs)
    os << " *   " << t.name << ": " << dtypeName(t.dtype)
       << shapeString(t.shape) << "\n";
}

std::string generateHeader(const ModelSignature &sig, StringRef modelPath) {
  std::string guard = "DLC_MODEL_" + llvm::StringRef(sig.name).upper() + "_H";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* " << sig.name << ".h: generated by dlc from "
     << llvm::sys::path::filename(modelPath) << "; do not edit.\n"
     << " *\n"
     << " * Link lib" << sig.name
     << ".a with the dlc runtime (libdlc_runtime.a), -lstdc++ -lm\n"
     << " * -lpthread -ldl. Device: " << deviceDescription(sig) << ".\n";
  emitTensorComment(os, sig);
  os << " * Weights: " << sig.weightBytes << " bytes, "
     << (sig.externalWeights ? "in " + sig.name +
                                   ".weights (give its folder "
                                   "to dlc_model_create)"
                             : std::string("embedded"))
     << ".\n"
     << " * Arena: " << sig.arenaBytes << " bytes.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdbool.h>\n#include <stdint.h>\n"
     << "#include \"dlc/runtime.h\"\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#define " << llvm::StringRef(sig.name).upper() << "_WEIGHT_BYTES "
     << sig.weightBytes << "ull\n"
     << "#define " << llvm::StringRef(sig.name).upper() << "_ARENA_BYTES "
     << sig.arenaBytes << "ull\n\n"
     << "/* Generic descriptor: names, element types and shapes of the\n"
     << "   inputs and outputs, for tools that drive any compiled model. */\n"
     << "extern const dlc_model_info " << sig.name << "_info;\n\n"
     << "static inline dlc_status " << sig.name
     << "_create(dlc_device *device, "
     << (sig.externalWeights ? "const char *weights_dir, " : "")
     << "dlc_model **model) {\n"
     << "  return dlc_model_create(&" << sig.name << "_info, device, "
     << (sig.externalWeights ? "weights_dir" : "NULL") << ", model);\n}\n\n";
  emitRunWrappers(os, sig.name, sig, sig.deviceKind != 1);
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}

std::string generateMultiDeviceHeader(StringRef name,
                                      llvm::ArrayRef<ModelSignature> parts,
                                      StringRef modelPath) {
  std::string guard = "DLC_MODEL_" + name.upper() + "_H";
  std::string s;
  llvm::raw_string_ostream os(s);
  bool external = parts.front().externalWeights;
  os << "/* " << name << ".h: generated by dlc from "
     << llvm::sys::path::filename(modelPath) << "; do not edit.\n"
     << " *\n"
     << " * Link lib" << name
     << ".a with the dlc runtime (libdlc_runtime.a), -lstdc++ -lm\n"
     << " * -lpthread -ldl. One library for several device kinds: "
     << name << "_create runs\n"
     << " * the code of the device it is given. Devices:\n";
  for (const ModelSignature &p : parts)
    os << " *   " << deviceDescription(p) << ": " << p.name
       << "_info, weights " << p.weightBytes << " bytes"
       << (p.externalWeights ? " in " + p.name + ".weights" : std::string())
       << ", arena " << p.arenaBytes << " bytes\n";
  emitTensorComment(os, parts.front());
  os << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdbool.h>\n#include <stdint.h>\n"
     << "#include \"dlc/runtime.h\"\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "/* The descriptor of each device kind's code. */\n";
  for (const ModelSignature &p : parts)
    os << "extern const dlc_model_info " << p.name << "_info;\n";
  os << "\n/* The descriptor for `device`'s kind (the first one when the\n"
     << "   library has no code for it: dlc_model_create then names the\n"
     << "   mismatch). */\n"
     << "static inline const dlc_model_info *" << name
     << "_info_for(const dlc_device *device) {\n"
     << "  switch (dlc_device_kind_of(device)) {\n";
  for (const ModelSignature &p : parts)
    os << "  case " << p.deviceKind << ":\n    return &" << p.name
       << "_info;\n";
  os << "  default:\n    return &" << parts.front().name << "_info;\n  }\n}\n\n"
     << "static inline dlc_status " << name << "_create(dlc_device *device, "
     << (external ? "const char *weights_dir, " : "") << "dlc_model **model) {\n"
     << "  return dlc_model_create(" << name << "_info_for(device), device, "
     << (external ? "weights_dir" : "NULL") << ", model);\n}\n\n";
  emitRunWrappers(os, name, parts.front(),
                  llvm::any_of(parts, [](const ModelSignature &p) {
                    return p.deviceKind != 1;
                  }));
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}

} // namespace dlc::codegen
