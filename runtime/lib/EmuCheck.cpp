//===- EmuCheck.cpp - the race check of the GPU emulation -----------------===//
//
// gpu-emu runs a block's threads one after another, phase by phase between
// barriers, so a kernel that lacks a barrier can still compute the right
// numbers there. In checking mode the emulated kernels call these
// functions: each block keeps a shadow of the elements its threads touched
// since the last barrier (an open-addressing table keyed by address: the
// last writer, the first two readers and their sites), and a write by one
// thread with an access by another to the same element is a race.
// Asynchronous copies are pending writes until their thread's wait; any
// access of their destination before it is a race.
//
// Cost: one call and one table probe per element accessed; memory is 40
// bytes per distinct element a block touches between two barriers (the
// table shrinks again at a barrier), for the blocks running at once.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

using namespace dlc::rt;

namespace {

thread_local EmuCheckLog *activeLog = nullptr;

constexpr int32_t kNone = -1;

/// The site string's fields: kernel, buffer, node, op ("\x1f" separated).
struct Site {
  std::string kernel, buffer, node, op;
  explicit Site(const char *s) {
    std::string *fields[] = {&kernel, &buffer, &node, &op};
    size_t i = 0;
    for (const char *p = s ? s : ""; *p; ++p) {
      if (*p == '\x1f') {
        if (++i == 4)
          break;
        continue;
      }
      fields[i]->push_back(*p);
    }
  }
};

/// One element's accesses since the last barrier (addr 0: empty slot).
struct Shadow {
  uintptr_t addr;
  int32_t writer, reader, reader2;
  const char *writeSite, *readSite;
};

/// An asynchronous copy not completed yet.
struct Pending {
  uintptr_t dst, dstBase, src;
  int64_t elemBytes, dstCount, srcCount;
  int64_t group; ///< -1 until committed
  const char *dstSite;
};

/// The first race of a block or launch.
struct Race {
  bool found = false;
  int32_t first = kNone, second = kNone; ///< the two threads
  bool firstWrites = false, secondWrites = false;
  const char *firstSite = nullptr, *secondSite = nullptr;
  int64_t element = 0;
  int kind = 0; ///< 0 plain, 1 before an async copy's wait, 2 never waited
  int64_t block[3] = {0, 0, 0};
};

struct Launch {
  EmuCheckLog *log;
  const char *kernel;
  int64_t size[3];
  int64_t flags, seed;
  std::mutex mutex;
  int64_t races = 0;
  Race first;
};

class Block {
public:
  Block(Launch *launch, int64_t x, int64_t y, int64_t z) : launch(launch) {
    id[0] = x, id[1] = y, id[2] = z;
    threads = launch->size[0] * launch->size[1] * launch->size[2];
    resize(kMinCapacity);
  }

  Launch *const launch;
  int64_t id[3];
  int64_t threads;
  int64_t races = 0;
  Race first;
  std::vector<int64_t> order;
  uint64_t phase = 0;

  void access(int64_t thread, uintptr_t addr, uintptr_t base, int64_t bytes,
              int64_t count, bool write, const char *site) {
    for (int64_t i = 0; i < count; ++i, addr += uintptr_t(bytes)) {
      if (!pendingAt.empty())
        checkPending(thread, addr, base, bytes, write, site);
      Shadow &s = slot(addr);
      int32_t t = int32_t(thread);
      if (write) {
        if (s.writer != kNone && s.writer != t)
          report(s.writer, true, s.writeSite, t, true, site, addr, base, bytes,
                 0);
        else if (s.reader != kNone && s.reader != t)
          report(s.reader, false, s.readSite, t, true, site, addr, base, bytes,
                 0);
        else if (s.reader2 != kNone && s.reader2 != t)
          report(s.reader2, false, s.readSite, t, true, site, addr, base, bytes,
                 0);
        s.writer = t;
        s.writeSite = site;
      } else {
        if (s.writer != kNone && s.writer != t)
          report(s.writer, true, s.writeSite, t, false, site, addr, base, bytes,
                 0);
        if (s.reader == kNone) {
          s.reader = t;
          s.readSite = site;
        } else if (s.reader != t && s.reader2 == kNone) {
          s.reader2 = t;
        }
      }
    }
  }

  void barrier() {
    // Clear (shrinking a table that the last phase used little of), so
    // that the cost of a barrier stays proportional to the phase's work.
    if (used * 8 < table.size() && table.size() > kMinCapacity) {
      size_t capacity = kMinCapacity;
      while (capacity < used * 4)
        capacity *= 2;
      resize(capacity);
    } else if (used) {
      std::memset(static_cast<void *>(table.data()), 0,
                  table.size() * sizeof(Shadow));
    }
    used = 0;
  }

  void asyncCopy(int64_t thread, const Pending &p, uintptr_t srcBase,
                 const char *srcSite) {
    if (p.srcCount > 0)
      access(thread, p.src, srcBase, p.elemBytes, p.srcCount, false, srcSite);
    if (pendingBy.size() < size_t(threads))
      pendingBy.resize(size_t(threads));
    auto &list = pendingBy[size_t(thread)];
    for (int64_t i = 0; i < p.dstCount; ++i)
      pendingAt[p.dst + uintptr_t(i * p.elemBytes)] = int32_t(thread);
    list.push_back(p);
  }

  void commit(int64_t thread) {
    if (size_t(thread) >= pendingBy.size())
      return;
    if (groups.size() < size_t(threads))
      groups.resize(size_t(threads), 0);
    int64_t g = ++groups[size_t(thread)];
    for (Pending &p : pendingBy[size_t(thread)])
      if (p.group < 0)
        p.group = g;
  }

  void wait(int64_t thread, int64_t keep) {
    if (size_t(thread) >= pendingBy.size())
      return;
    int64_t newest =
        size_t(thread) < groups.size() ? groups[size_t(thread)] : 0;
    auto &list = pendingBy[size_t(thread)];
    std::vector<Pending> rest;
    for (const Pending &p : list) {
      if (p.group < 0 || p.group > newest - keep) {
        rest.push_back(p);
        continue;
      }
      for (int64_t i = 0; i < p.dstCount; ++i)
        pendingAt.erase(p.dst + uintptr_t(i * p.elemBytes));
      size_t copied = size_t(p.srcCount * p.elemBytes);
      if (copied)
        std::memmove(reinterpret_cast<void *>(p.dst),
                     reinterpret_cast<const void *>(p.src), copied);
      std::memset(reinterpret_cast<void *>(p.dst + copied), 0,
                  size_t(p.dstCount * p.elemBytes) - copied);
      access(thread, p.dst, p.dstBase, p.elemBytes, p.dstCount, true,
             p.dstSite);
    }
    list.swap(rest);
  }

  /// At the block's end: copies never waited for are races too.
  void finish() {
    for (size_t t = 0; t < pendingBy.size(); ++t)
      for (const Pending &p : pendingBy[t])
        report(int32_t(t), true, p.dstSite, int32_t(t), false, p.dstSite, p.dst,
               p.dstBase, p.elemBytes, 2);
  }

private:
  static constexpr size_t kMinCapacity = 1024;
  std::vector<Shadow> table;
  size_t used = 0;
  std::vector<std::vector<Pending>> pendingBy;
  std::unordered_map<uintptr_t, int32_t> pendingAt;
  std::vector<int64_t> groups;

  void resize(size_t capacity) {
    std::vector<Shadow> old;
    old.swap(table);
    table.assign(capacity, Shadow{0, kNone, kNone, kNone, nullptr, nullptr});
    used = 0;
    for (const Shadow &s : old)
      if (s.addr)
        slot(s.addr) = s;
  }

  Shadow &slot(uintptr_t addr) {
    if ((used + 1) * 2 > table.size())
      resize(table.size() * 2);
    size_t mask = table.size() - 1;
    size_t i = size_t((uint64_t(addr) * 0x9E3779B97F4A7C15ull) >> 20) & mask;
    while (table[i].addr && table[i].addr != addr)
      i = (i + 1) & mask;
    if (!table[i].addr) {
      table[i] = Shadow{addr, kNone, kNone, kNone, nullptr, nullptr};
      ++used;
    }
    return table[i];
  }

  void checkPending(int64_t thread, uintptr_t addr, uintptr_t base,
                    int64_t bytes, bool write, const char *site) {
    auto it = pendingAt.find(addr);
    if (it == pendingAt.end())
      return;
    const char *copySite = nullptr;
    for (const Pending &p : pendingBy[size_t(it->second)])
      if (addr >= p.dst && addr < p.dst + uintptr_t(p.dstCount * p.elemBytes))
        copySite = p.dstSite;
    report(it->second, true, copySite, int32_t(thread), write, site, addr, base,
           bytes, 1);
  }

  void report(int32_t first, bool firstWrites, const char *firstSite,
              int32_t second, bool secondWrites, const char *secondSite,
              uintptr_t addr, uintptr_t base, int64_t bytes, int kind) {
    ++races;
    if (this->first.found)
      return;
    Race &r = this->first;
    r.found = true;
    r.first = first, r.second = second;
    r.firstWrites = firstWrites, r.secondWrites = secondWrites;
    r.firstSite = firstSite, r.secondSite = secondSite;
    r.element = bytes ? int64_t(addr - base) / bytes : 0;
    r.kind = kind;
    std::memcpy(r.block, id, sizeof(id));
  }
};

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string threadName(const Launch &l, int32_t t) {
  int64_t x = t % l.size[0], y = (t / l.size[0]) % l.size[1],
          z = t / (l.size[0] * l.size[1]);
  return "thread " + std::to_string(t) + " (" + std::to_string(x) + "," +
         std::to_string(y) + "," + std::to_string(z) + ")";
}

/// "race in kernel 'K' (node 'N'), workgroup buffer #0 (memref<...>):
/// thread 3 (3,0,0) of block (0,0,0) writes element 5 (memref.store) and
/// thread 4 (4,0,0) reads it (memref.load, node 'M') between two barriers"
std::string describe(const Launch &l, const Race &r) {
  Site a(r.firstSite), b(r.secondSite);
  std::string node = b.node.empty() ? a.node : b.node;
  std::string out = "race in kernel '" + std::string(l.kernel) + "'";
  if (!node.empty())
    out += " (node '" + node + "')";
  out += ", " + b.buffer + ": ";
  std::string blockName = "block (" + std::to_string(r.block[0]) + "," +
                          std::to_string(r.block[1]) + "," +
                          std::to_string(r.block[2]) + ")";
  bool otherNode = !a.node.empty() && a.node != node;
  std::string firstOp = a.op + (otherNode ? ", node '" + a.node + "'" : "");
  std::string copyOp = a.op + (otherNode ? " (node '" + a.node + "')" : "");
  if (r.kind == 2)
    return out + "the " + copyOp + " of " + threadName(l, r.first) + " of " +
           blockName + " into element " + std::to_string(r.element) +
           " is never waited for (no nvgpu.device_async_wait before the "
           "kernel's end)";
  std::string verb = r.secondWrites ? "writes" : "reads";
  if (r.kind == 1)
    return out + threadName(l, r.second) + " of " + blockName + " " + verb +
           " element " + std::to_string(r.element) + " (" + b.op +
           ") before the " + copyOp + " of " + threadName(l, r.first) +
           " into it has completed (no nvgpu.device_async_wait)";
  return out + threadName(l, r.first) + " of " + blockName + " " +
         (r.firstWrites ? "writes" : "reads") + " element " +
         std::to_string(r.element) + " (" + firstOp + ") and " +
         threadName(l, r.second) + " " + verb + " it (" + b.op +
         ") with no gpu.barrier between";
}

} // namespace

EmuCheckLog *dlc::rt::activeEmuCheckLog() { return activeLog; }

ScopedEmuCheckLog::ScopedEmuCheckLog(EmuCheckLog *log) : saved(activeLog) {
  activeLog = log;
}

ScopedEmuCheckLog::~ScopedEmuCheckLog() { activeLog = saved; }

extern "C" {

void *dlc_emu_launch_begin(const char *kernel, int64_t bx, int64_t by,
                           int64_t bz, int64_t flags, int64_t seed) {
  auto *l = new (std::nothrow) Launch;
  if (!l)
    return nullptr;
  l->log = activeLog;
  l->kernel = kernel ? kernel : "?";
  l->size[0] = bx > 0 ? bx : 1;
  l->size[1] = by > 0 ? by : 1;
  l->size[2] = bz > 0 ? bz : 1;
  l->flags = flags;
  l->seed = seed;
  return l;
}

void dlc_emu_launch_end(void *launch) {
  auto *l = static_cast<Launch *>(launch);
  if (!l)
    return;
  if (l->races) {
    std::string message = describe(*l, l->first);
    if (EmuCheckLog *log = l->log) {
      log->races += l->races;
      log->launches += 1;
      if (!log->hasFirst.exchange(true))
        std::snprintf(log->first, sizeof(log->first), "%s", message.c_str());
    } else {
      std::fprintf(stderr,
                   "dlc gpu-emu race check: %s (%lld racing "
                   "access(es))\n",
                   message.c_str(), (long long)l->races);
    }
  }
  delete l;
}

void *dlc_emu_block_begin(void *launch, int64_t x, int64_t y, int64_t z) {
  auto *l = static_cast<Launch *>(launch);
  if (!l)
    return nullptr;
  return new (std::nothrow) Block(l, x, y, z);
}

void dlc_emu_block_end(void *block) {
  auto *b = static_cast<Block *>(block);
  if (!b)
    return;
  b->finish();
  if (b->races) {
    Launch &l = *b->launch;
    std::lock_guard<std::mutex> lock(l.mutex);
    // The first race of the lowest block, whatever order blocks ran in.
    auto key = [](const Race &r) {
      return std::make_tuple(r.block[2], r.block[1], r.block[0]);
    };
    if (!l.first.found || key(b->first) < key(l.first))
      l.first = b->first;
    l.races += b->races;
  }
  delete b;
}

void dlc_emu_phase_order(void *block) {
  auto *b = static_cast<Block *>(block);
  if (!b || !(b->launch->flags & DLC_EMU_ORDER_SHUFFLE))
    return;
  // Fisher-Yates from (seed, block, phase): deterministic per seed.
  b->order.resize(size_t(b->threads));
  for (int64_t i = 0; i < b->threads; ++i)
    b->order[size_t(i)] = i;
  uint64_t state = mix(uint64_t(b->launch->seed) ^
                       mix(uint64_t(b->id[0]) ^
                           mix(uint64_t(b->id[1]) ^ mix(uint64_t(b->id[2])))) ^
                       mix(++b->phase));
  for (int64_t i = b->threads - 1; i > 0; --i) {
    state = mix(state);
    std::swap(b->order[size_t(i)], b->order[size_t(state % uint64_t(i + 1))]);
  }
}

int64_t dlc_emu_thread_at(void *block, int64_t position) {
  auto *b = static_cast<Block *>(block);
  if (!b || size_t(position) >= b->order.size())
    return position;
  return b->order[size_t(position)];
}

void dlc_emu_barrier(void *block) {
  if (auto *b = static_cast<Block *>(block))
    b->barrier();
}

void dlc_emu_access(void *block, int64_t thread, uintptr_t addr, uintptr_t base,
                    int64_t elem_bytes, int64_t count, int64_t is_write,
                    const char *site) {
  if (auto *b = static_cast<Block *>(block))
    b->access(thread, addr, base, elem_bytes, count, is_write != 0, site);
}

void dlc_emu_async_copy(void *block, int64_t thread, uintptr_t dst,
                        uintptr_t dst_base, uintptr_t src, uintptr_t src_base,
                        int64_t elem_bytes, int64_t dst_count,
                        int64_t src_count, const char *dst_site,
                        const char *src_site) {
  auto *b = static_cast<Block *>(block);
  if (!b)
    return;
  if (src_count < 0 || src_count > dst_count)
    src_count = dst_count;
  b->asyncCopy(thread,
               Pending{dst, dst_base, src, elem_bytes, dst_count, src_count, -1,
                       dst_site},
               src_base, src_site);
}

void dlc_emu_async_commit(void *block, int64_t thread) {
  if (auto *b = static_cast<Block *>(block))
    b->commit(thread);
}

void dlc_emu_async_wait(void *block, int64_t thread, int64_t keep) {
  if (auto *b = static_cast<Block *>(block))
    b->wait(thread, keep < 0 ? 0 : keep);
}

} // extern "C"
