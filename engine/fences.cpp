#include "engine/boundedqueue.h"

#include <cerrno>
#include <cstdlib>
#include <thread>

#ifdef __linux__
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace engine::fences {

#ifdef __linux__

bool registerMembarrier()
{
    const long supported = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (supported < 0 || !(supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
        return false;
    return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

void membarrier()
{
    // Registered, so it cannot fail for want of registration, but it may be short of memory for a
    // moment (some kernels allocate a CPU mask): try again. A full fence here alone would not do,
    // since the light half is only a compiler barrier.
    while (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
        if (errno != ENOMEM && errno != EINTR && errno != EAGAIN)
            std::abort(); // not a passing shortage: the guarantee is gone, say so loudly
        std::this_thread::yield();
    }
}

#else

bool registerMembarrier()
{
    return false;
}

void membarrier() { }

#endif

} // namespace engine::fences
