# -*- Python -*- lit configuration for dlc.
import os
import shutil
import lit.formats

config.name = "dlc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dlc_obj_root, "test")

tools = getattr(config, "dlc_tools_dir", None)
llvm_tools = getattr(config, "llvm_tools_dir", None)
path = [p for p in (tools, llvm_tools) if p]
config.environment["PATH"] = os.pathsep.join(path + [config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"
# Sanitizer reports fail the test that triggered them.
config.environment["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

python = getattr(config, "python_executable", "") or shutil.which("python3")
config.substitutions.append(("%python", python))
config.substitutions.append(("%srcroot", config.dlc_src_root))
if getattr(config, "dlc_sanitize", False):
    config.available_features.add("sanitizers")

# Linking a compiled model into a C program: the runtime's header and
# library, and the C compiler (plus the sanitizer runtime when the runtime
# itself is instrumented).
config.substitutions.append(
    ("%dlc_runtime_include", os.path.join(config.dlc_src_root, "runtime", "include")))
config.substitutions.append(
    ("%dlc_runtime_lib", os.path.join(config.dlc_obj_root, "lib", "libdlc_runtime.a")))
cc = shutil.which("cc") or "cc"
if getattr(config, "dlc_sanitize", False):
    cc += " -fsanitize=address,undefined"
config.substitutions.append(("%cc", cc))

# ptxas (CUDA toolkit) turns PTX into cubins; the tests that need it say
# REQUIRES: ptxas.
cuda_bin = os.path.join(os.environ.get("CUDA_PATH", "/usr/local/cuda"), "bin")
if shutil.which("ptxas", path=cuda_bin + os.pathsep + os.environ.get("PATH", "")):
    config.available_features.add("ptxas")

# cuobjdump disassembles cubins (SASS: the tensor-core instructions). The
# CUDA toolkit's, else the copy the Triton wheel (a PyTorch dependency)
# ships; tests that read SASS say REQUIRES: cuobjdump.
def find_cuobjdump():
    found = shutil.which("cuobjdump",
                         path=cuda_bin + os.pathsep + os.environ.get("PATH", ""))
    if found:
        return found
    try:
        import importlib.util
        spec = importlib.util.find_spec("triton")
    except Exception:
        spec = None
    if spec and spec.origin:
        candidate = os.path.join(os.path.dirname(spec.origin), "backends",
                                 "nvidia", "bin", "cuobjdump")
        if os.access(candidate, os.X_OK):
            return candidate
    return None


cuobjdump = find_cuobjdump()
if cuobjdump:
    config.available_features.add("cuobjdump")
    config.substitutions.append(("%cuobjdump", cuobjdump))

# util-linux's script(1) runs a command on a pseudo-terminal (the progress
# line of dlc is drawn only on a terminal).
if shutil.which("script"):
    config.available_features.add("script")
