// libFuzzer target: the readers of run files and Chrome traces. Whatever the bytes, a reader gives
// a recording or a one-line reason; a recording it accepts writes back and reads again the same.

#include "engine/perfettotrace.h"
#include "engine/runrecording.h"

#include <QByteArray>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data),
                                                     static_cast<qsizetype>(size));
    QString error;
    const auto recording = engine::readRecording(bytes, &error);
    if (!recording) {
        if (error.isEmpty() || error.contains(QLatin1Char('\n')))
            std::abort();
        return 0;
    }
    if (!recording->config.isValid())
        std::abort();
    // Whatever a reader accepted, every writer takes: the Perfetto trace too, a message per packet.
    if (engine::writePerfettoTrace(*recording).isEmpty())
        std::abort();
    QString again;
    const auto back = engine::readRunFile(engine::writeRunFile(*recording), &again);
    if (!back || back->events != recording->events || back->config != recording->config)
        std::abort();
    return 0;
}
