#include "ui/theme.h"

#include <QPalette>
#include <QTest>
#include <array>
#include <cmath>

using namespace gui;

namespace {

using Matrix = std::array<std::array<double, 3>, 3>;

// Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB.
constexpr Matrix kNormal {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
constexpr Matrix kProtanopia {{{0.152286, 1.052583, -0.204868},
                               {0.114503, 0.786281, 0.099216},
                               {-0.003882, -0.048116, 1.051998}}};
constexpr Matrix kDeuteranopia {{{0.367322, 0.860646, -0.227968},
                                 {0.280085, 0.672501, 0.047413},
                                 {-0.011820, 0.042940, 0.968881}}};

double toLinear(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

struct Lab
{
    double l, a, b;
};

// A colour as a person with the given vision sees it, in CIELAB (D65).
Lab seen(const QColor &colour, const Matrix &m)
{
    const std::array<double, 3> rgb {toLinear(colour.redF()), toLinear(colour.greenF()),
                                     toLinear(colour.blueF())};
    std::array<double, 3> v {};
    for (int i = 0; i < 3; ++i)
        v[i] = std::clamp(m[i][0] * rgb[0] + m[i][1] * rgb[1] + m[i][2] * rgb[2], 0.0, 1.0);
    const double x = 0.4124 * v[0] + 0.3576 * v[1] + 0.1805 * v[2];
    const double y = 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    const double z = 0.0193 * v[0] + 0.1192 * v[1] + 0.9505 * v[2];
    const auto f = [](double t) {
        return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
    };
    const double fx = f(x / 0.95047), fy = f(y), fz = f(z / 1.08883);
    return {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
}

double distance(const Lab &p, const Lab &q)
{
    return std::hypot(p.l - q.l, p.a - q.a, p.b - q.b);
}

QPalette palette(bool dark)
{
    QPalette p;
    p.setColor(QPalette::Base, dark ? QColor(0x23, 0x26, 0x29) : QColor(Qt::white));
    p.setColor(QPalette::AlternateBase, dark ? QColor(0x2b, 0x2e, 0x32) : QColor(0xf4, 0xf4, 0xf4));
    p.setColor(QPalette::Text, dark ? QColor(0xee, 0xee, 0xee) : QColor(Qt::black));
    return p;
}

} // namespace

class TestTheme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The five states a bar or a token can be in stay apart from each other and from the lane's
    // background, for normal vision and for protanopia and deuteranopia (simulated), light and
    // dark: at least 10 CIELAB units, about three times a just-noticeable difference.
    void statusColoursStayDistinguishable_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::addColumn<int>("vision");
        const char *names[] = {"normal", "protanopia", "deuteranopia"};
        for (const bool dark : {false, true})
            for (int v = 0; v < 3; ++v)
                QTest::newRow(qPrintable(QStringLiteral("%1, %2").arg(
                    dark ? QStringLiteral("dark") : QStringLiteral("light"),
                    QLatin1String(names[v]))))
                    << dark << v;
    }
    void statusColoursStayDistinguishable()
    {
        QFETCH(bool, dark);
        QFETCH(int, vision);
        const Matrix &m = vision == 0 ? kNormal : vision == 1 ? kProtanopia : kDeuteranopia;
        const Theme t = Theme::fromPalette(palette(dark));
        QCOMPARE(t.dark, dark);
        const std::array<std::pair<const char *, QColor>, 6> colours {
            {{"completed", t.completed},
             {"running", t.running},
             {"failed", t.failed},
             {"cancelled", t.cancelled},
             {"blocked", t.blocked},
             {"background", t.background}}};
        double closest = 1e9;
        for (std::size_t i = 0; i < colours.size(); ++i) {
            for (std::size_t j = i + 1; j < colours.size(); ++j) {
                const double d = distance(seen(colours[i].second, m), seen(colours[j].second, m));
                closest = std::min(closest, d);
                QVERIFY2(d >= 10.0,
                         qPrintable(QStringLiteral("%1 and %2: %3")
                                        .arg(QLatin1String(colours[i].first),
                                             QLatin1String(colours[j].first))
                                        .arg(d, 0, 'f', 1)));
            }
        }
        qInfo("closest pair: %.1f", closest);
    }
};

QTEST_GUILESS_MAIN(TestTheme)
#include "tst_theme.moc"
