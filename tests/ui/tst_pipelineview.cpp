#include "eventscript.h"
#include "ui/pipelineview.h"
#include "ui/runmodel.h"

#include <QImage>
#include <QTest>

using namespace engine;
using namespace gui;
using testsupport::ms;
using testsupport::Script;

namespace {
// How a token of `stage` is filled: 35 % of its colour over the background.
QColor tokenFill(const Theme &theme, const QColor &stage)
{
    const auto blend = [](double a, double b) {
        return a * 0.65 + b * 0.35;
    };
    return QColor::fromRgbF(static_cast<float>(blend(theme.background.redF(), stage.redF())),
                            static_cast<float>(blend(theme.background.greenF(), stage.greenF())),
                            static_cast<float>(blend(theme.background.blueF(), stage.blueF())));
}

// Pixels within 2 of `colour` in every channel.
int pixelsOf(const QImage &image, const QColor &colour)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            n += std::abs(qRed(line[x]) - colour.red()) <= 2
                && std::abs(qGreen(line[x]) - colour.green()) <= 2
                && std::abs(qBlue(line[x]) - colour.blue()) <= 2;
    }
    return n;
}

QImage render(PipelineView &view)
{
    return view.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

// Advances the view until its tokens stop moving; the number of frames it took.
int settle(PipelineView &view)
{
    int frames = 0;
    while (view.advance(16.0) && frames < 1000)
        ++frames;
    return frames;
}

// A model reset for a pool of `workers` (the rest of the reference configuration).
void resetFor(RunModel &model, int workers, std::int64_t jobs = 15)
{
    PoolConfig config;
    config.workers = workers;
    config.jobs = jobs;
    model.reset(config);
}

Script started(int workers)
{
    Script s;
    s.at(0).event(EventKind::RunStarted);
    for (int w = 1; w <= workers; ++w)
        s.event(EventKind::WorkerStarted, 0, w);
    return s;
}
} // namespace

class TestPipelineView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void advanceSaysWhileTokensMoveAndWhenTheModelChanged()
    {
        RunModel model;
        PipelineView view(&model);
        view.resize(900, 230);
        view.show(); // a hidden view places its tokens without animating
        QCOMPARE(settle(view), 0);
        model.reset(PoolConfig {});
        QVERIFY(view.advance(16.0)); // the model changed
        QCOMPARE(settle(view), 0);
        model.ingest(started(2).at(1).submit(1, 1).events());
        QVERIFY(view.advance(0.0));
        // A hop takes 180 ms: at 16 ms a frame, 12 frames, whatever else the model did.
        const int frames = settle(view);
        QVERIFY2(frames >= 10 && frames <= 13, qPrintable(QString::number(frames)));
        QVERIFY(!view.advance(16.0));
        Script next;
        next.at(2).start(1, 1, 0);
        model.ingest(next.events());
        QVERIFY(view.advance(16.0));
        QVERIFY(settle(view) > 0);
    }

    void tokensTakeTheColourOfWhereTheJobIs()
    {
        RunModel model;
        model.reset(PoolConfig {});
        PipelineView view(&model);
        const Theme theme = Theme::fromPalette(view.palette());
        view.setTheme(theme);
        view.resize(900, 230);
        const QColor queued = tokenFill(theme, theme.depth);
        const QColor busy = tokenFill(theme, theme.running);
        const QColor failed = tokenFill(theme, theme.failed);

        model.ingest(started(2).at(1).submit(1, 1).submit(2, 2).events());
        settle(view);
        const int queuedBefore = pixelsOf(render(view), queued);
        QVERIFY2(queuedBefore > 100, qPrintable(QString::number(queuedBefore)));
        QCOMPARE(pixelsOf(render(view), busy), 0);

        Script s;
        s.at(2).start(1, 1, 1);
        model.ingest(s.events());
        settle(view);
        const QImage oneBusy = render(view);
        QVERIFY(pixelsOf(oneBusy, busy) > 100);
        QVERIFY(pixelsOf(oneBusy, queued) < queuedBefore); // one token left the queue

        Script done;
        done.at(3).finish(1, 1, JobStatus::Failed).collect(1, 1, JobStatus::Failed, 1);
        model.ingest(done.events());
        settle(view);
        const QImage result = render(view);
        QCOMPARE(pixelsOf(result, busy), 0);
        QVERIFY(pixelsOf(result, failed) > 100);
    }

    // At thousands of results a second every pill of the results column shows its job id, frame
    // after frame; at a few a second, a result still flies in and is legible once it lands.
    void everyResultPillShowsItsJob_data()
    {
        QTest::addColumn<int>("perFrame");
        QTest::newRow("one a frame") << 1;
        QTest::newRow("2 a frame") << 2;
        QTest::newRow("40 a frame (2,500/s)") << 40;
        QTest::newRow("200 a frame (12,500/s)") << 200;
    }
    void everyResultPillShowsItsJob()
    {
        QFETCH(int, perFrame);
        RunModel model;
        resetFor(model, 16, 100'000);
        PipelineView view(&model);
        view.resize(900, 230);
        view.show();
        model.ingest(started(16).events());
        int job = 0;
        for (int frame = 1; frame <= 30; ++frame) {
            Script s;
            for (int k = 0; k < perFrame; ++k) {
                ++job;
                const int worker = 1 + job % 16;
                s.at(frame * 16, k).submit(job, 1).start(job, worker, 0);
                s.finish(job, worker).collect(job, worker);
            }
            model.ingest(s.events());
            view.advance(16.0);
            const std::vector<std::int64_t> shown = view.legibleResults();
            if (perFrame > 2) {
                // The newest results, newest on top, each legible in the frame it came in.
                const std::vector<std::int64_t> recent = model.recentResults(int(shown.size()));
                QVERIFY(shown.size() >= 5);
                QCOMPARE(std::vector<std::int64_t>(recent.rbegin(), recent.rend()), shown);
                QCOMPARE(shown.front(), std::int64_t {job});
            }
        }
        settle(view);
        const std::vector<std::int64_t> shown = view.legibleResults();
        QVERIFY(shown.size() >= 5);
        QCOMPARE(shown.front(), std::int64_t {job});
    }

    // A few workers: a job flies from the queue to its worker and on to the results. Many: it
    // appears where it goes (a flight would cross other workers' rows), and where rows do not
    // fit, the compact grid shows states as colours, without tokens.
    void tokensFlyOnlyWhereTheyHaveRoom_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<bool>("flies");
        QTest::addColumn<bool>("tokensAtWorkers");
        QTest::newRow("3") << 3 << true << true;
        QTest::newRow("6") << 6 << true << true;
        QTest::newRow("16") << 16 << false << true;
        QTest::newRow("128") << 128 << false << false;
        QTest::newRow("256") << 256 << false << false;
    }
    void tokensFlyOnlyWhereTheyHaveRoom()
    {
        QFETCH(int, workers);
        QFETCH(bool, flies);
        QFETCH(bool, tokensAtWorkers);
        RunModel model;
        resetFor(model, workers);
        PipelineView view(&model);
        view.resize(900, 230);
        view.show();
        model.ingest(started(workers).at(1).submit(1, 1).events());
        settle(view);
        Script s;
        s.at(2).start(1, workers, 0); // the last worker: the farthest row from the queue
        model.ingest(s.events());
        QCOMPARE(view.movingTokens() > 0, flies);
        QCOMPARE(view.workerTokens(), tokensAtWorkers ? 1 : 0);
        settle(view);
        Script done;
        done.at(3).finish(1, workers).collect(1, workers);
        model.ingest(done.events());
        QCOMPARE(view.movingTokens() > 0, flies);
        settle(view);
        QCOMPARE(view.legibleResults(), std::vector<std::int64_t> {1});
    }

    // Before a run starts the configured workers stand idle, not "no workers".
    void theConfiguredWorkersShowBeforeTheStart()
    {
        std::vector<QImage> pictures;
        for (const int workers : {1, 3}) {
            RunModel model;
            resetFor(model, workers);
            PipelineView view(&model);
            view.resize(900, 230);
            pictures.push_back(render(view));
        }
        QVERIFY(pictures[0] != pictures[1]);
    }

    void everyWorkerCountFromOneTo256Paints()
    {
        for (const int workers : {1, 3, 16, 64, 128, 256}) {
            RunModel model;
            model.reset(PoolConfig {});
            PipelineView view(&model);
            const Theme theme = Theme::fromPalette(view.palette());
            view.setTheme(theme);
            Script s = started(workers);
            s.at(1);
            for (int w = 1; w <= workers; ++w)
                s.submit(w, 1).start(w, w, 0, 1000);
            model.ingest(s.events());
            settle(view);
            for (const QSize size : {view.minimumSizeHint(), view.sizeHint(), QSize(1900, 500)}) {
                view.resize(size);
                const QImage image = render(view);
                QCOMPARE(image.size(), size);
                // Every worker is busy: their tokens (or cells) show it.
                QVERIFY2(pixelsOf(image, tokenFill(theme, theme.running)) > 0
                             || pixelsOf(image, theme.running) > 0,
                         qPrintable(QStringLiteral("%1 workers at %2×%3")
                                        .arg(workers)
                                        .arg(size.width())
                                        .arg(size.height())));
            }
        }
    }
};

QTEST_MAIN(TestPipelineView)
#include "tst_pipelineview.moc"
