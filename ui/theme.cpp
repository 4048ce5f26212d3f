#include "ui/theme.h"

namespace gui {

Theme Theme::fromPalette(const QPalette &palette)
{
    Theme t;
    t.background = palette.color(QPalette::Base);
    t.dark = t.background.lightnessF() < 0.5;
    t.laneAlternate = palette.color(QPalette::AlternateBase);
    if (t.laneAlternate == t.background)
        t.laneAlternate = t.dark ? t.background.lighter(115) : t.background.darker(104);
    t.text = palette.color(QPalette::Text);
    t.mutedText = palette.color(QPalette::PlaceholderText);
    t.grid = t.dark ? QColor(255, 255, 255, 28) : QColor(0, 0, 0, 22);
    // Hues chosen to stay apart for common colour-vision deficiencies (blue / orange / grey).
    t.completed = t.dark ? QColor(0x5b, 0x9b, 0xe6) : QColor(0x2f, 0x6f, 0xc0);
    t.running = t.dark ? QColor(0x8f, 0xc1, 0xf5) : QColor(0x7a, 0xaa, 0xe8);
    t.failed = t.dark ? QColor(0xf0, 0x8a, 0x4b) : QColor(0xd9, 0x5f, 0x0e);
    t.cancelled = t.dark ? QColor(0x90, 0x90, 0x98) : QColor(0xa0, 0xa0, 0xa8);
    t.blocked = t.dark ? QColor(0xe8, 0xb9, 0x3c) : QColor(0xe6, 0xb4, 0x1e);
    t.paused = t.dark ? QColor(0x70, 0x70, 0x78) : QColor(0xc8, 0xc8, 0xd0);
    t.marker = t.dark ? QColor(0xc7, 0x92, 0xea) : QColor(0x80, 0x3d, 0xb0);
    t.depth = t.dark ? QColor(0x4e, 0xc9, 0xb0) : QColor(0x1b, 0x8a, 0x73);
    t.capacity = t.dark ? QColor(0xf0, 0x6a, 0x6a) : QColor(0xc0, 0x39, 0x2b);
    t.inFlight = t.completed;
    t.throughput = t.mutedText;
    t.selection = palette.color(QPalette::Highlight);
    t.summarized = t.dark ? QColor(0x5b, 0x9b, 0xe6, 110) : QColor(0x2f, 0x6f, 0xc0, 90);
    return t;
}

} // namespace gui
