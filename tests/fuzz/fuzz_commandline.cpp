// libFuzzer target: the command-line parser. Input bytes are split at NUL into arguments, as argv
// would give them. Whatever the input, the parser must either produce a config that validates or
// reject it with one line; it must never crash, hang or accept something invalid.

#include "app/commandline.h"

#include <QStringList>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QStringList arguments;
    const char *text = reinterpret_cast<const char *>(data);
    std::size_t start = 0;
    for (std::size_t i = 0; i <= size; ++i) {
        if (i == size || data[i] == 0) {
            arguments << QString::fromUtf8(text + start, static_cast<qsizetype>(i - start));
            start = i + 1;
        }
    }
    const app::CommandLine cli = app::parseCommandLine(arguments);
    switch (cli.outcome) {
    case app::CommandLine::Outcome::Run:
        if (!cli.config.isValid())
            std::abort();
        break;
    case app::CommandLine::Outcome::Error:
        if (cli.error.isEmpty() || cli.error.contains(QLatin1Char('\n')))
            std::abort();
        break;
    case app::CommandLine::Outcome::Help:
    case app::CommandLine::Outcome::Version:
        break;
    }
    return 0;
}
