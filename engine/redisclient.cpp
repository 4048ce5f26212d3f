#include "engine/redisclient.h"

#include "engine/echo.h"

#include <QUrl>
#include <hiredis/hiredis.h>

namespace engine::redis {

namespace {

Reply copyReply(const redisReply *r)
{
    Reply out;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        out.type = Reply::Type::String;
        out.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_STATUS:
        out.type = Reply::Type::Status;
        out.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_ERROR:
        out.type = Reply::Type::Error;
        out.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::Integer;
        out.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::Array;
        out.elements.reserve(r->elements);
        for (std::size_t i = 0; i < r->elements; ++i)
            out.elements.push_back(copyReply(r->element[i]));
        break;
    default:
        out.type = Reply::Type::Nil;
        break;
    }
    return out;
}

} // namespace

QString Target::display() const
{
    return QStringLiteral("redis://%1%2:%3/%4")
        .arg(user.isEmpty() ? QString() : user + QLatin1Char('@'), host)
        .arg(port)
        .arg(name);
}

QString urlProblem(const QString &url, const QString &why, const QString &pathForm)
{
    return QStringLiteral("%1: %2 (allowed: redis://[[USER]:PASSWORD@]HOST[:PORT]%3)")
        .arg(echoed(url), why, pathForm);
}

std::optional<Target> parseServer(const QString &text, const QString &pathForm, QString *error)
{
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = urlProblem(text, why, pathForm);
        return std::nullopt;
    };
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("redis"))
        return refuse(QStringLiteral("not a redis:// URL"));
    Target t;
    t.host = url.host();
    if (t.host.isEmpty())
        return refuse(QStringLiteral("no host"));
    t.port = url.port(6379);
    if (t.port < 1 || t.port > 65535)
        return refuse(QStringLiteral("the port is out of 1..65535"));
    t.user = url.userName();
    t.password = url.password();
    if (!t.user.isEmpty() && t.password.isEmpty())
        return refuse(QStringLiteral("a user needs a password"));
    t.name = url.path(QUrl::FullyEncoded); // the caller's to read
    return t;
}

std::optional<Target> parseUrl(const QString &text, QString *error)
{
    const QString form = QStringLiteral("/NAME, NAME of letters, digits, '-', '_' and '.'");
    std::optional<Target> t = parseServer(text, form, error);
    const auto refuse = [&](const QString &why) {
        if (error)
            *error = urlProblem(text, why, form);
        return std::nullopt;
    };
    if (!t)
        return t;
    t->name = t->name.mid(1);
    if (t->name.isEmpty())
        return refuse(QStringLiteral("no pool NAME after the host"));
    for (const QChar c : t->name) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('-')
            && c != QLatin1Char('_') && c != QLatin1Char('.'))
            return refuse(QStringLiteral("the NAME '%1' has a character that is not allowed")
                              .arg(echoed(t->name)));
    }
    if (t->name.size() > 100)
        return refuse(QStringLiteral("the NAME is longer than 100 characters"));
    return t;
}

std::string Reply::errorCode() const
{
    const std::size_t space = text.find(' ');
    return text.substr(0, space);
}

Connection::~Connection()
{
    close();
}

void Connection::close()
{
    if (m_context)
        redisFree(m_context);
    m_context = nullptr;
}

bool Connection::fail(std::string *error)
{
    if (error)
        *error = m_context && m_context->errstr[0] != '\0' ? m_context->errstr
                                                           : "the connection failed";
    close();
    return false;
}

bool Connection::connect(const Target &target, std::chrono::milliseconds timeout,
                         std::string *error)
{
    close();
    const timeval tv {static_cast<time_t>(timeout.count() / 1000),
                      static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    m_context = redisConnectWithTimeout(target.host.toStdString().c_str(), target.port, tv);
    if (!m_context || m_context->err != 0)
        return fail(error);
    if (target.password.isEmpty())
        return true;
    std::vector<std::string> auth {"AUTH"};
    if (!target.user.isEmpty())
        auth.push_back(target.user.toStdString());
    auth.push_back(target.password.toStdString());
    const std::optional<Reply> reply = command(auth, error);
    if (!reply)
        return false;
    if (reply->isError()) {
        if (error)
            *error = "authentication refused: " + reply->text;
        close();
        return false;
    }
    return true;
}

void Connection::append(const std::vector<std::string> &args)
{
    if (!m_context)
        return;
    std::vector<const char *> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const std::string &a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    redisAppendCommandArgv(m_context, static_cast<int>(args.size()), argv.data(), lengths.data());
}

std::optional<Reply> Connection::read(std::string *error)
{
    if (!m_context) {
        if (error)
            *error = "not connected";
        return std::nullopt;
    }
    void *raw = nullptr;
    if (redisGetReply(m_context, &raw) != REDIS_OK || !raw) {
        fail(error);
        return std::nullopt;
    }
    auto *reply = static_cast<redisReply *>(raw);
    Reply out = copyReply(reply);
    freeReplyObject(reply);
    return out;
}

std::optional<Reply> Connection::command(const std::vector<std::string> &args, std::string *error)
{
    append(args);
    return read(error);
}

std::string StreamEntry::field(std::string_view name) const
{
    for (const auto &[key, value] : fields) {
        if (key == name)
            return value;
    }
    return {};
}

std::vector<StreamEntry> entriesOf(const Reply &list)
{
    std::vector<StreamEntry> out;
    if (list.type != Reply::Type::Array)
        return out;
    out.reserve(list.elements.size());
    for (const Reply &e : list.elements) {
        if (e.type != Reply::Type::Array || e.elements.size() != 2)
            continue;
        StreamEntry entry;
        entry.id = e.elements[0].text;
        const Reply &fields = e.elements[1];
        for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2)
            entry.fields.emplace_back(fields.elements[i].text, fields.elements[i + 1].text);
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<StreamEntry> entriesOfRead(const Reply &reply)
{
    // [[key, [entries…]]] for the one stream asked for; nil when the BLOCK timed out.
    if (reply.type != Reply::Type::Array || reply.elements.empty())
        return {};
    const Reply &stream = reply.elements[0];
    if (stream.type != Reply::Type::Array || stream.elements.size() != 2)
        return {};
    return entriesOf(stream.elements[1]);
}

} // namespace engine::redis
