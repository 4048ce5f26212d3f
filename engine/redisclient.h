#pragma once

#include <QString>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct redisContext; // hiredis

namespace engine::redis {

// Where a distributed pool lives: redis://[[USER]:PASSWORD@]HOST[:PORT]/NAME. NAME names the
// pool: its jobs go through the stream NAME:jobs, read by the consumer group "workers", and its
// results and the workers' start events come back through NAME:results.
struct Target
{
    QString host;
    int port = 6379;
    QString user; // empty: the default user
    QString password; // empty: no AUTH
    QString name;

    QString jobsKey() const { return name + QStringLiteral(":jobs"); }
    QString resultsKey() const { return name + QStringLiteral(":results"); }
    static constexpr const char *kGroup = "workers";
    // The URL without its password, for messages.
    QString display() const;
};

// Parses a pool's redis:// URL; nullopt with *error naming what is wrong and what is allowed.
std::optional<Target> parseUrl(const QString &url, QString *error);
// The server part of a redis:// URL (host, port, user, password), its path left percent-encoded
// in `name` for the caller; `pathForm` says in a refusal what the path may be.
std::optional<Target> parseServer(const QString &url, const QString &pathForm, QString *error);
// A refusal of a redis:// URL: the URL, what is wrong, what is allowed.
QString urlProblem(const QString &url, const QString &why, const QString &pathForm);

// A reply, copied out of hiredis into a value that may cross threads.
struct Reply
{
    enum class Type : std::uint8_t { Nil, String, Integer, Array, Status, Error };
    Type type = Type::Nil;
    std::string text; // String, Status, Error
    long long integer = 0;
    std::vector<Reply> elements; // Array

    bool isError() const { return type == Type::Error; }
    bool isNil() const { return type == Type::Nil; }
    // The error's code, its first word: "NOGROUP", "BUSYGROUP", "WRONGPASS"…
    std::string errorCode() const;
};

// One connection, used by one thread at a time. A command that fails at the connection (refused,
// reset, timed out) returns nullopt with the reason and leaves the connection closed; a command
// Redis refuses is a Reply of type Error.
class Connection
{
public:
    Connection() = default;
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Connects (and authenticates, when the target has a password) within timeout.
    bool connect(const Target &target, std::chrono::milliseconds timeout, std::string *error);
    bool isConnected() const { return m_context != nullptr; }
    void close();

    std::optional<Reply> command(const std::vector<std::string> &args, std::string *error);
    // Pipelining: queue commands, then read their replies in order.
    void append(const std::vector<std::string> &args);
    std::optional<Reply> read(std::string *error);

private:
    bool fail(std::string *error);

    redisContext *m_context = nullptr;
};

// A stream entry: its id and its fields, as the XREAD family returns them.
struct StreamEntry
{
    std::string id;
    std::vector<std::pair<std::string, std::string>> fields;
    // The value of a field, or empty.
    std::string field(std::string_view name) const;
};

// The entries of an XREAD/XREADGROUP reply (one stream asked for), or of XAUTOCLAIM's second
// element; entries whose content was deleted come back with no fields.
std::vector<StreamEntry> entriesOf(const Reply &streamEntries);
std::vector<StreamEntry> entriesOfRead(const Reply &reply);

} // namespace engine::redis
