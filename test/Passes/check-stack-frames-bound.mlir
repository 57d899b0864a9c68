// RUN: dlc-opt %s --verify-diagnostics --dlc-check-stack-frames=max-frame-bytes=1024

// The bound is an option.
func.func @f() {
  %small = memref.alloca() : memref<256xf32>
  return
}

func.func @g() {
  // expected-error @below {{'memref.alloca': a stack allocation of 1028 bytes exceeds the bound of 1024 bytes per frame}}
  %a = memref.alloca() : memref<257xf32>
  return
}
