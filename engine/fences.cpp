#include "boundedqueue.h"

#include <cstdlib>

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
    // Registered, so it cannot fail for want of registration; should it fail anyway, a full
    // fence here alone would not do (the light half is only a compiler barrier), so stop loudly.
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0)
        std::abort();
}

#else

bool registerMembarrier()
{
    return false;
}

void membarrier() { }

#endif

} // namespace engine::fences
