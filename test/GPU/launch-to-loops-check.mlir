// RUN: dlc-opt %s --split-input-file --verify-diagnostics --dlc-gpu-launch-to-loops="check-races=1 thread-order=reverse" | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-gpu-launch-to-loops="thread-order=shuffle seed=5" 2>/dev/null | FileCheck %s --check-prefix=SHUFFLE
// RUN: dlc-opt %s --split-input-file --dlc-gpu-launch-to-loops 2>/dev/null | FileCheck %s --check-prefix=PLAIN
// RUN: not dlc-opt %s --split-input-file --dlc-gpu-launch-to-loops="thread-order=sideways" 2>&1 | FileCheck %s --check-prefix=ORDER
// ORDER: thread-order must be forward, reverse or shuffle, not 'sideways'

// Checking mode: the launch handle is made before the blocks' loop and
// kept in a heap buffer, each block gets its handle, the threads of a
// phase run last to first in one loop, every access of workgroup and
// global memory calls dlc_emu_access (thread, address, base, element
// bytes, count, write, site) and private memory is not tracked; the
// barrier calls dlc_emu_barrier.
// CHECK-LABEL: func.func @f(
// CHECK: %[[L:.+]] = call @dlc_emu_launch_begin(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c3_i64, %c0_i64)
// CHECK: %[[SLOT:.+]] = memref.alloc() {alignment = 8 : i64} : memref<1xi64>
// CHECK: memref.store %[[L]], %[[SLOT]]
// CHECK: scf.parallel
// CHECK: %[[SH:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: %[[LH:.+]] = memref.load %[[SLOT]]
// CHECK: %[[B:.+]] = func.call @dlc_emu_block_begin(%[[LH]],
// CHECK: scf.for %[[P:.+]] = %c0 to %[[N:.+]] step
// CHECK: %[[LAST:.+]] = arith.subi %[[N]], %c1
// CHECK: %[[T:.+]] = arith.subi %[[LAST]], %[[P]]
// CHECK: %[[T64:.+]] = arith.index_cast %[[T]] : index to i64
// CHECK: func.call @dlc_emu_access(%[[B]], %[[T64]], %{{.+}}, %{{.+}}, %c4_i64, %c1_i64, %c0_i64{{.*}}, %{{.+}})
// CHECK-NEXT: memref.load %arg0
// CHECK: func.call @dlc_emu_access(%[[B]], %{{.+}}, %c4_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %{{.+}})
// CHECK-NEXT: memref.store %{{.+}}, %[[SH]]
// CHECK-NOT: dlc_emu_access
// CHECK: memref.store %{{.+}}, %subview
// CHECK: }
// CHECK-NEXT: func.call @dlc_emu_barrier(%[[B]])
// CHECK: scf.for
// CHECK: func.call @dlc_emu_access
// CHECK-NEXT: memref.load %[[SH]]
// CHECK: func.call @dlc_emu_block_end(%[[B]])
// CHECK: scf.reduce
// CHECK: call @dlc_emu_launch_end(%[[L]])
// CHECK-NEXT: memref.dealloc %[[SLOT]]
// The site strings name the kernel, the buffer, the node and the op
// ("f_kernel\1fglobal buffer #0 (memref<32xf32>)\1fcopy\1fmemref.load").
// CHECK-DAG: memref.global "private" constant @__dlc_emu_site_1 : memref<60xi8> = dense<[102, 95, 107, 101, 114, 110, 101, 108, 31, 103, 108, 111, 98, 97, 108, 32, 98, 117, 102, 102, 101, 114, 32, 35, 48, 32, 40, 109, 101, 109, 114, 101, 102, 60, 51, 50, 120, 102, 51, 50, 62, 41, 31, 99, 111, 112, 121, 31, 109, 101, 109, 114, 101, 102, 46, 108, 111, 97, 100, 0]>
// CHECK-DAG: func.func private @dlc_emu_access(i64, i64, i64, i64, i64, i64, i64, i64)
// Shuffled order without the check: a new order per phase, the thread at
// each position from the runtime, no access calls.
// SHUFFLE-LABEL: func.func @f(
// SHUFFLE: call @dlc_emu_launch_begin(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c4_i64, %c5_i64)
// SHUFFLE: func.call @dlc_emu_phase_order
// SHUFFLE: scf.for %[[P:.+]] =
// SHUFFLE: func.call @dlc_emu_thread_at(%{{.+}}, %{{.+}})
// SHUFFLE-NOT: dlc_emu_access
// SHUFFLE: func.call @dlc_emu_block_end
// Without options: no runtime calls, the thread loops as before.
// PLAIN-LABEL: func.func @f(
// PLAIN-NOT: dlc_emu
// PLAIN: return
func.func @f(%a: memref<32xf32>) {
  %c1 = arith.constant 1 : index
  %c31 = arith.constant 31 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%sh : memref<32xf32, #gpu.address_space<workgroup>>)
             private(%pr : memref<2xf32, #gpu.address_space<private>>) {
    %v = memref.load %a[%tx] : memref<32xf32> loc("copy")
    memref.store %v, %sh[%tx] : memref<32xf32, #gpu.address_space<workgroup>> loc("copy")
    %c0 = arith.constant 0 : index
    memref.store %v, %pr[%c0] : memref<2xf32, #gpu.address_space<private>>
    gpu.barrier
    %r = arith.subi %c31, %tx : index
    %w = memref.load %sh[%r] : memref<32xf32, #gpu.address_space<workgroup>> loc("copy")
    memref.store %w, %a[%tx] : memref<32xf32> loc("copy")
    gpu.terminator
  }
  return
}

// -----

// A 1-D vector access is one call for its 4 elements; an async copy is a
// pending copy for the runtime, its group a commit, its wait a wait with
// the groups it leaves pending.
// CHECK-LABEL: func.func @g(
// CHECK: func.call @dlc_emu_access(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c4_i64{{.*}}, %c4_i64{{.*}}, %c0_i64{{.*}}, %{{.+}})
// CHECK-NEXT: vector.load
// CHECK: func.call @dlc_emu_async_copy(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c4_i64{{.*}}, %c4_i64{{.*}}, %{{.+}}, %{{.+}}, %{{.+}})
// CHECK: func.call @dlc_emu_async_commit
// CHECK: func.call @dlc_emu_async_wait(%{{.+}}, %{{.+}}, %c1_i64{{.*}})
// CHECK-NOT: nvgpu.
// Without the check the copy is done at once: a loop over its elements
// that reads the first srcElements and zero-fills the rest.
// PLAIN-LABEL: func.func @g(
// PLAIN: scf.for %[[K:.+]] = %c0{{.*}} to %c4{{.*}} step
// PLAIN: %[[IN:.+]] = arith.cmpi ult, %[[K]], %c3
// PLAIN: scf.if %[[IN]] -> (f32)
// PLAIN: memref.load %arg0
// PLAIN: arith.constant 0.000000e+00 : f32
// PLAIN: memref.store
// PLAIN-NOT: nvgpu.
// PLAIN: return
func.func @g(%a: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%sh : memref<128xf32, #gpu.address_space<workgroup>>) {
    %i = arith.muli %tx, %c4 : index
    %v = vector.load %a[%i] : memref<128xf32>, vector<4xf32>
    %t = nvgpu.device_async_copy %a[%i], %sh[%i], 4, %c3 : memref<128xf32> to memref<128xf32, #gpu.address_space<workgroup>>
    %g = nvgpu.device_async_create_group %t
    nvgpu.device_async_wait %g {numGroups = 1 : i32}
    gpu.barrier
    %w = memref.load %sh[%i] : memref<128xf32, #gpu.address_space<workgroup>>
    gpu.terminator
  }
  return
}

// -----

// A copy of contiguous memrefs (scalar work in a one-thread launch) reads
// every element of its source and writes every element of its target.
// CHECK-LABEL: func.func @c(
// CHECK: func.call @dlc_emu_access(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c8_i64, %c1_i64, %c0_i64{{.*}}, %{{.+}})
// CHECK: func.call @dlc_emu_access(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %c8_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %{{.+}})
// CHECK-NEXT: memref.copy
func.func @c(%a: memref<i64>, %b: memref<i64>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.copy %a, %b : memref<i64> to memref<i64>
    gpu.terminator
  }
  return
}

// -----

// An access the check cannot describe element by element is an error.
func.func @h(%a: memref<8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{the race check handles scalar and 1-D vector accesses}}
    %v = vector.load %a[%c0, %c0] : memref<8x8xf32>, vector<2x4xf32>
    gpu.terminator
  }
  return
}
