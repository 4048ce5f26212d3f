#pragma once

// Lets QCOMPARE print engine enums by name.

#include "engine/poolconfig.h"
#include "engine/poolevent.h"
#include "engine/workerpool.h"

#include <QTest>

namespace QTest {

template<> inline char *toString(const engine::ArrivalPattern &v)
{
    return qstrdup(engine::nameOf(v).toUtf8().constData());
}
template<> inline char *toString(const engine::Distribution &v)
{
    return qstrdup(engine::nameOf(v).toUtf8().constData());
}
template<> inline char *toString(const engine::Workload &v)
{
    return qstrdup(engine::nameOf(v).toUtf8().constData());
}
template<> inline char *toString(const engine::JobStatus &v)
{
    return qstrdup(engine::nameOf(v));
}
template<> inline char *toString(const engine::EventKind &v)
{
    return qstrdup(engine::nameOf(v));
}
template<> inline char *toString(const engine::WorkerState &v)
{
    return qstrdup(engine::nameOf(v));
}
template<> inline char *toString(const engine::ProducerState &v)
{
    return qstrdup(engine::nameOf(v));
}

} // namespace QTest
