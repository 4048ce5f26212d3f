#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <ranges>
#include <utility>
#include <vector>

namespace gui {

// How an element of a History splits into integer columns and is put back together. A
// specialization gives kColumns, split(const T &, std::int64_t *columns) and
// join(const std::int64_t *columns) -> T; join(split(x)) must give x back.
template<typename T> struct Packing;

template<std::integral T> struct Packing<T>
{
    static constexpr int kColumns = 1;
    static void split(const T &value, std::int64_t *c) { c[0] = static_cast<std::int64_t>(value); }
    static T join(const std::int64_t *c) { return static_cast<T>(c[0]); }
};

// A sequence that grows at the back and is folded away from the front: the detail the run model
// keeps until the history cap summarizes it. Elements live in fixed chunks of 2^ChunkBits, so
// - dropping a prefix frees its chunks without moving what stays (a vector would move it all,
//   and shrinking it would copy it all);
// - growing never copies and never holds more than one chunk beyond what it needs;
// - positions are plain indexes: iterator arithmetic is integer arithmetic.
//
// Chunks behind the newest two are packed (see Packed): per column, a line through the chunk's
// values and, per element, the distance from it in as few bits as the chunk needs. Neighbouring
// elements of a run's history are close (times microseconds apart and rising at a steady pace, job
// ids a few apart, a queue depth that moves by one), so an element takes a few bytes instead of
// its full size, and any element is still read in O(1) without unpacking its neighbours. Reading
// therefore gives values, not references; edit() hands out a reference after unpacking the chunk
// (it is packed again once it falls two chunks behind the back).
template<typename T, int ChunkBits = 8> class History
{
    static_assert(std::endian::native == std::endian::little, "columns are stored little-endian");
    using P = Packing<T>;
    static constexpr int kColumns = P::kColumns;
    static constexpr std::size_t kChunk = std::size_t {1} << ChunkBits;
    static constexpr std::size_t kMask = kChunk - 1;

    // A packed chunk: per column, each element's value is base + slope × slot + a field of
    // `bits` bits (a column of times rising at a steady pace has small fields left), the fields
    // of one element side by side (row-major): reading an element touches one or two cache lines
    // besides the header, not one per column.
    // A column may set its few largest values aside (a job preempted for a while among jobs that
    // take nanoseconds, say), so that the field fits the rest: such a value's field holds all
    // ones, the escape, and the value itself is among the exceptions after the fields, found by
    // (slot, column) in a sorted table. The key column never does: searches bound keys by the
    // field's width.
    struct Packed
    {
        std::int64_t base[kColumns];
        std::int32_t slope[kColumns]; // a line steeper than ±2^31 a slot is not used
        std::uint16_t at[kColumns]; // the field's first bit within an element's bits
        std::uint8_t bits[kColumns]; // at most kMaxBits, so one 8-byte load holds any field
        std::uint16_t stride; // bits per element
        std::uint16_t exceptions; // values set aside
        std::uint8_t escapes; // bit k: column k has an escape
    };
    static_assert(kColumns <= 8 && ChunkBits <= 13, "an exception's key is slot × 8 + column");
    static constexpr unsigned kMaxBits = 56;
    // What an exception costs (its key and its value), against a bit more for every element.
    static constexpr std::size_t kExceptionBits = 80;
    static constexpr std::size_t kDataAt = (sizeof(Packed) + 7) / 8 * 8;
    struct Chunk
    {
        std::unique_ptr<T[]> raw; // while it may still change
        std::unique_ptr<std::byte[]> packed; // a Packed header, then the columns
    };

    // Reads elements out as values.
    class Iter
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using iterator_concept = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using reference = T; // elements are read out as values
        struct Arrow
        {
            T value;
            const T *operator->() const { return &value; }
        };
        using pointer = Arrow;

        Iter() = default;
        Iter(const History *owner, std::ptrdiff_t index)
            : m_owner(owner)
            , m_index(index)
        { }

        T operator*() const { return (*m_owner)[static_cast<std::size_t>(m_index)]; }
        // Each use reads the element again: a loop that looks at several fields should copy the
        // element out once.
        Arrow operator->() const { return {**this}; }
        T operator[](difference_type n) const { return *(*this + n); }
        std::size_t index() const { return static_cast<std::size_t>(m_index); }
        Iter &operator++()
        {
            ++m_index;
            return *this;
        }
        Iter operator++(int)
        {
            Iter old = *this;
            ++m_index;
            return old;
        }
        Iter &operator--()
        {
            --m_index;
            return *this;
        }
        Iter operator--(int)
        {
            Iter old = *this;
            --m_index;
            return old;
        }
        Iter &operator+=(difference_type n)
        {
            m_index += n;
            return *this;
        }
        Iter &operator-=(difference_type n)
        {
            m_index -= n;
            return *this;
        }
        friend Iter operator+(Iter it, difference_type n) { return it += n; }
        friend Iter operator+(difference_type n, Iter it) { return it += n; }
        friend Iter operator-(Iter it, difference_type n) { return it -= n; }
        friend difference_type operator-(const Iter &a, const Iter &b)
        {
            return a.m_index - b.m_index;
        }
        friend bool operator==(const Iter &a, const Iter &b) { return a.m_index == b.m_index; }
        friend auto operator<=>(const Iter &a, const Iter &b) { return a.m_index <=> b.m_index; }

    private:
        friend class History;
        const History *m_owner = nullptr;
        std::ptrdiff_t m_index = 0;
    };

public:
    using const_iterator = Iter;
    using iterator = const_iterator;
    using value_type = T;
    using size_type = std::size_t;
    using const_reverse_iterator = std::reverse_iterator<const_iterator>;

    History() = default;
    History(const History &) = delete;
    History &operator=(const History &) = delete;
    History(History &&other) noexcept
        : m_chunks(std::move(other.m_chunks))
        , m_keys(std::move(other.m_keys))
        , m_unpacked(std::move(other.m_unpacked))
        , m_first(std::exchange(other.m_first, 0))
        , m_size(std::exchange(other.m_size, 0))
        , m_chunksDropped(std::exchange(other.m_chunksDropped, 0))
        , m_packedBytes(std::exchange(other.m_packedBytes, 0))
        , m_rawChunks(std::exchange(other.m_rawChunks, 0))
        , m_packedBelow(std::exchange(other.m_packedBelow, 0))
        , m_autoPack(other.m_autoPack)
    {
        other.m_chunks.clear();
        other.m_keys.clear();
        other.m_unpacked.clear();
    }
    History &operator=(History &&other) noexcept
    {
        m_chunks = std::move(other.m_chunks);
        m_keys = std::move(other.m_keys);
        m_unpacked = std::move(other.m_unpacked);
        m_first = std::exchange(other.m_first, 0);
        m_size = std::exchange(other.m_size, 0);
        m_chunksDropped = std::exchange(other.m_chunksDropped, 0);
        m_packedBytes = std::exchange(other.m_packedBytes, 0);
        m_rawChunks = std::exchange(other.m_rawChunks, 0);
        m_packedBelow = std::exchange(other.m_packedBelow, 0);
        m_autoPack = other.m_autoPack;
        other.m_chunks.clear();
        other.m_keys.clear();
        other.m_unpacked.clear();
        return *this;
    }
    History(std::initializer_list<T> items)
    {
        for (const T &item : items)
            push_back(item);
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    // Memory held (with the allocator's header per block), for the history cap's estimate.
    std::size_t bytes() const
    {
        return m_rawChunks * (kChunk * sizeof(T) + 16) + m_packedBytes
            + m_chunks.capacity() * sizeof(Chunk) + m_keys.capacity() * sizeof(std::int64_t);
    }
    // Bytes per element of the packed chunks (for measurements), 0 when none is packed.
    double packedBytesPerElement() const
    {
        std::size_t packed = 0;
        for (const Chunk &c : m_chunks)
            packed += c.packed ? 1 : 0;
        return packed ? static_cast<double>(m_packedBytes) / static_cast<double>(packed * kChunk)
                      : 0.0;
    }

    T operator[](std::size_t i) const
    {
        assert(i < m_size);
        const std::size_t p = m_first + i;
        const Chunk &c = m_chunks[p >> ChunkBits];
        return c.raw ? c.raw[p & kMask] : unpack(c.packed.get(), p & kMask);
    }
    // Calls f(element) for each of [from, to) in order, looking up each chunk once.
    template<typename F> void scan(std::size_t from, std::size_t to, F &&f) const
    {
        assert(from <= to && to <= m_size);
        for (std::size_t p = m_first + from, end = m_first + to; p < end;) {
            const Chunk &c = m_chunks[p >> ChunkBits];
            const std::size_t a = p & kMask;
            const std::size_t b = std::min(kChunk, a + (end - p));
            for (std::size_t i = a; i < b; ++i)
                f(c.raw ? c.raw[i] : unpack(c.packed.get(), i));
            p += b - a;
        }
    }

    T front() const { return (*this)[0]; }
    T back() const { return (*this)[m_size - 1]; }

    // The element itself, to change in place (all but its key: that is what the history is
    // searched by): valid until the history next changes.
    T &edit(std::size_t i)
    {
        assert(i < m_size);
        const std::size_t p = m_first + i;
        return rawChunk(p >> ChunkBits)[p & kMask];
    }
    T &editBack() { return edit(m_size - 1); }

    // Packing by hand instead (for elements that keep changing for a while after they are
    // appended, like a job's record): only packBefore() packs.
    void setAutoPack(bool on) { m_autoPack = on; }
    // Packs every chunk wholly before position `index`.
    void packBefore(std::size_t index)
    {
        const std::size_t end
            = std::min((m_first + std::min(index, m_size)) >> ChunkBits, m_chunks.size());
        for (std::size_t c = std::max(m_packedBelow, m_chunksDropped) - m_chunksDropped; c < end;
             ++c) {
            if (m_chunks[c].raw)
                pack(m_chunks[c]);
        }
        m_packedBelow = std::max(m_packedBelow, end + m_chunksDropped);
        std::erase_if(m_unpacked, [&](std::size_t absolute) {
            if (absolute < m_chunksDropped)
                return true;
            const std::size_t c = absolute - m_chunksDropped;
            if (c >= end)
                return false;
            if (c < m_chunks.size() && m_chunks[c].raw)
                pack(m_chunks[c]);
            return true;
        });
    }

    // The first column of element i (a time, a start, a value): what a history is searched by.
    std::int64_t key(std::size_t i) const
    {
        assert(i < m_size);
        const std::size_t p = m_first + i;
        if ((p & kMask) == 0)
            return m_keys[p >> ChunkBits];
        const Chunk &c = m_chunks[p >> ChunkBits];
        return c.raw ? keyOf(c.raw[p & kMask]) : column(c.packed.get(), p & kMask, 0);
    }
    // The first position in [from, to) whose key is not less than `value` (to if none), for keys
    // that never fall: a gallop from `from` over the chunks' first keys (a table of their own, so
    // the search does not touch the chunks it skips), then a binary search in one chunk.
    std::size_t gallopKey(std::size_t from, std::size_t to, std::int64_t value) const
    {
        if (from >= to || key(from) >= value)
            return from;
        const std::size_t low = chunkBelow(from, to, value);
        auto [a, b] = chunkRange(low, from, to);
        narrowByLine(low, value, &a, &b);
        // The first in [a, b) not below (b: the next chunk's first, or `to`): galloping from a,
        // since a view stepping column by column mostly moves a little.
        std::size_t reach = 1;
        while (a + reach < b && key(a + reach) < value) {
            a += reach;
            reach *= 2;
        }
        b = std::min(b, a + reach + 1); // key(a + reach) is not below, when there is one
        return firstNotBelow(a, b, [&](std::size_t i) { return key(i) < value; });
    }

    // Where gallopKey(from, to, value) lands, told from the chunks' first keys alone (no element
    // is read): within [lo, hi], a chunk at most. When lo > from, lo is a chunk's first position
    // and its key is below the value; when hi < to, hi is the next chunk's first position and its
    // key is not below. (key() reads a chunk's first key from the same table.)
    std::pair<std::size_t, std::size_t> keyBounds(std::size_t from, std::size_t to,
                                                  std::int64_t value) const
    {
        if (from >= to)
            return {from, from};
        return chunkRange(chunkBelow(from, to, value), from, to);
    }

    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, static_cast<std::ptrdiff_t>(m_size)}; }
    const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
    const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

    void push_back(const T &item)
    {
        const std::size_t p = m_first + m_size;
        const std::size_t c = p >> ChunkBits;
        if (c == m_chunks.size()) { // at the new chunk's first slot
            m_chunks.emplace_back().raw = std::make_unique<T[]>(kChunk);
            m_keys.push_back(keyOf(item));
            ++m_rawChunks;
            if (m_autoPack && c >= 2)
                packBehind(c);
        }
        rawChunk(c)[p & kMask] = item;
        ++m_size;
    }

    // Appends [first, last); `at` must be end(): a history grows at the back only.
    template<typename It> void insert(const_iterator at, It first, It last)
    {
        assert(at.m_index == static_cast<std::ptrdiff_t>(m_size));
        (void)at;
        for (; first != last; ++first)
            push_back(*first);
    }

    // Drops [begin(), to) (`from` must be begin()): a history is folded away from the front.
    void erase(const_iterator from, const_iterator to)
    {
        assert(from.m_index == 0);
        (void)from;
        const auto n = static_cast<std::size_t>(to.m_index);
        m_first += n;
        m_size -= n;
        const std::size_t spent = m_size == 0 ? m_chunks.size() : m_first >> ChunkBits;
        dropChunks(0, spent);
        m_chunksDropped += spent;
        m_first = m_size == 0 ? 0 : m_first & kMask;
    }

    // Keeps the first `n` (n <= size()).
    void truncate(std::size_t n)
    {
        assert(n <= m_size);
        m_size = n;
        const std::size_t keep = m_size == 0 ? 0 : ((m_first + m_size - 1) >> ChunkBits) + 1;
        dropChunks(keep, m_chunks.size());
        m_packedBelow = std::min(m_packedBelow, keep + m_chunksDropped);
        if (m_size == 0)
            m_first = 0;
    }

    void clear()
    {
        m_chunks.clear();
        m_keys.clear();
        m_unpacked.clear();
        m_first = 0;
        m_size = 0;
        m_chunksDropped = 0;
        m_packedBytes = 0;
        m_rawChunks = 0;
        m_packedBelow = 0;
    }

    friend bool operator==(const History &a, const History &b)
    {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!(a[i] == b[i]))
                return false;
        }
        return true;
    }

private:
    // In a packed chunk, the key at slot i lies within [line(i), line(i) + 2^bits) for the key
    // column's line: a value can only be reached between two slots the line gives, which for a
    // key rising at a steady pace is a handful of slots.
    void narrowByLine(std::size_t c, std::int64_t value, std::size_t *a, std::size_t *b) const
    {
        const Chunk &chunk = m_chunks[c];
        if (chunk.raw)
            return;
        const auto *h = std::launder(reinterpret_cast<const Packed *>(chunk.packed.get()));
        if (h->slope[0] <= 0)
            return;
        // Only for values well inside the int64 range (a packed line's slope is positive only
        // for such values), where nothing below overflows.
        constexpr std::int64_t kSafe = std::int64_t {1} << 61;
        if (value < -kSafe || value > kSafe || h->base[0] < -kSafe || h->base[0] > kSafe)
            return;
        const std::int64_t over = value - h->base[0]; // value − line(0)
        const std::int64_t slope = h->slope[0];
        // Slots with line(i) + 2^bits − 1 < value are below; slots with line(i) >= value are not.
        const std::int64_t firstMaybe
            = std::max<std::int64_t>(0, (over - (std::int64_t {1} << h->bits[0]) + slope) / slope);
        const std::int64_t firstNot = over <= 0 ? 0 : (over + slope - 1) / slope;
        const std::size_t chunkStart = c << ChunkBits;
        auto toIndex = [&](std::int64_t slot) {
            const std::size_t absolute = chunkStart
                + static_cast<std::size_t>(std::min<std::int64_t>(slot, std::int64_t(kChunk)));
            return absolute <= m_first ? std::size_t {0} : absolute - m_first;
        };
        *a = std::min(*b, std::max(*a, toIndex(firstMaybe)));
        *b = std::min(*b, std::max(*a, toIndex(firstNot)));
    }

    // The last chunk holding positions of [from, to) whose first key is below `value`, or the
    // one holding `from` when none after it is: a gallop from there, then a binary search.
    std::size_t chunkBelow(std::size_t from, std::size_t to, std::int64_t value) const
    {
        const std::size_t c0 = (m_first + from) >> ChunkBits;
        const std::size_t cLast = (m_first + to - 1) >> ChunkBits;
        auto below = [&](std::size_t c) {
            return m_keys[c] < value;
        };
        std::size_t low = c0, step = 1;
        while (low + step <= cLast && below(low + step)) {
            low += step;
            step *= 2;
        }
        // Chunks (low, low + step) are undecided: the last below is the one before the first not.
        return firstNotBelow(low + 1, std::min(low + step, cLast + 1), below) - 1;
    }

    // The first i in [a, b) that is not below (b if none), for below(i) true up to a point and
    // false from there on.
    template<typename Below>
    static std::size_t firstNotBelow(std::size_t a, std::size_t b, Below &&below)
    {
        const auto indexes = std::views::iota(a, b);
        return a
            + static_cast<std::size_t>(std::ranges::partition_point(indexes, below)
                                       - indexes.begin());
    }

    // The positions of chunk c, within [from, to).
    std::pair<std::size_t, std::size_t> chunkRange(std::size_t c, std::size_t from,
                                                   std::size_t to) const
    {
        return {std::max(from, (c << ChunkBits) - std::min(m_first, c << ChunkBits)),
                std::min(to, ((c + 1) << ChunkBits) - m_first)};
    }

    static std::int64_t keyOf(const T &item)
    {
        std::int64_t columns[kColumns];
        P::split(item, columns);
        return columns[0];
    }

    static std::int64_t column(const std::byte *block, std::size_t slot, int k)
    {
        const auto *h = std::launder(reinterpret_cast<const Packed *>(block));
        const std::size_t bit = slot * h->stride + h->at[k];
        std::uint64_t word;
        std::memcpy(&word, block + kDataAt + (bit >> 3), 8);
        const std::uint64_t all = (std::uint64_t {1} << h->bits[k]) - 1;
        const std::uint64_t field = (word >> (bit & 7)) & all;
        if ((h->escapes >> k & 1) != 0 && field == all) [[unlikely]]
            return exception(block, slot, k);
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(h->base[k])
                                         + static_cast<std::uint64_t>(h->slope[k]) * slot + field);
    }

    // How far `value` lies above the line base + slope × slot, in wrapping arithmetic: a packed
    // field (and, used only where nothing wraps, a signed distance from a line through 0).
    static std::uint64_t offLine(std::int64_t value, std::int64_t base, std::int64_t slope,
                                 std::size_t slot)
    {
        return static_cast<std::uint64_t>(value) - static_cast<std::uint64_t>(base)
            - static_cast<std::uint64_t>(slope) * slot;
    }

    static std::int64_t exception(const std::byte *block, std::size_t slot, int k)
    {
        const auto *h = std::launder(reinterpret_cast<const Packed *>(block));
        const std::byte *keys = block + keysAt(h->stride);
        const auto wanted = static_cast<std::uint16_t>(slot << 3 | static_cast<unsigned>(k));
        auto keyAt = [&](std::size_t i) {
            std::uint16_t key;
            std::memcpy(&key, keys + 2 * i, 2);
            return key;
        };
        const std::size_t a
            = firstNotBelow(0, h->exceptions, [&](std::size_t i) { return keyAt(i) < wanted; });
        assert(a < h->exceptions && keyAt(a) == wanted);
        std::int64_t value;
        std::memcpy(&value, block + valuesAt(h->stride, h->exceptions) + 8 * a, 8);
        return value;
    }

    static T unpack(const std::byte *block, std::size_t slot)
    {
        std::int64_t columns[kColumns];
        for (int k = 0; k < kColumns; ++k)
            columns[k] = column(block, slot, k);
        return P::join(columns);
    }

    // Packs a chunk, unless its keys are too far apart for a field (then it stays as it is).
    // Long: one pass over a chunk, column by column, keeping its running extremes.
    // NOLINTNEXTLINE(readability-function-size)
    void pack(Chunk &c)
    {
        std::int64_t columns[kChunk][kColumns];
        for (std::size_t i = 0; i < kChunk; ++i)
            P::split(c.raw[i], columns[i]);
        Packed h {};
        unsigned stride = 0;
        std::size_t exceptions = 0;
        for (int k = 0; k < kColumns; ++k) {
            // The values' extremes, and those of what the line through the first and last values
            // leaves of them (worked out in wrapping arithmetic, and used only for values well
            // inside the int64 range, where nothing wraps).
            const std::int64_t first = columns[0][k], last = columns[kChunk - 1][k];
            const std::int64_t s = static_cast<std::int64_t>(static_cast<std::uint64_t>(last)
                                                             - static_cast<std::uint64_t>(first))
                / static_cast<std::int64_t>(kChunk - 1);
            std::int64_t lo = first, hi = first, rlo = first, rhi = first;
            for (std::size_t i = 1; i < kChunk; ++i) {
                const auto r = static_cast<std::int64_t>(offLine(columns[i][k], 0, s, i));
                lo = std::min(lo, columns[i][k]);
                hi = std::max(hi, columns[i][k]);
                rlo = std::min(rlo, r);
                rhi = std::max(rhi, r);
            }
            std::int64_t base = lo, slope = 0;
            auto range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
            // The line, when it leaves smaller fields than none does.
            constexpr std::int64_t kSafe = std::int64_t {1} << 61;
            if (range > 1 && lo >= -kSafe && hi <= kSafe && s != 0 && s >= INT32_MIN
                && s <= INT32_MAX && static_cast<std::uint64_t>(rhi - rlo) < range) {
                base = rlo;
                slope = s;
                range = static_cast<std::uint64_t>(rhi - rlo);
            }
            // The width that costs least: all values in their fields, or the largest few set
            // aside (the width's all-ones value escapes).
            auto bits = static_cast<unsigned>(std::bit_width(range));
            std::size_t cost = bits <= kMaxBits ? kChunk * bits : SIZE_MAX;
            unsigned escapeBits = 0;
            std::size_t escaping = 0;
            if (k > 0 && bits > 1) {
                // Per width, the values of that width, and those among them that are all ones
                // (they would take the escape's place: exceptions too).
                std::array<std::size_t, 65> widths {}, allOnes {};
                for (std::size_t i = 0; i < kChunk; ++i) {
                    const std::uint64_t field = offLine(columns[i][k], base, slope, i);
                    const auto w = static_cast<std::size_t>(std::bit_width(field));
                    ++widths[w];
                    allOnes[w] += (field & (field + 1)) == 0 ? 1 : 0;
                }
                std::size_t narrower = widths[0];
                for (unsigned b = 1; b < bits && b <= kMaxBits; ++b) {
                    narrower += widths[b];
                    const std::size_t fit = narrower - allOnes[b];
                    const std::size_t withExceptions = kChunk * b + kExceptionBits * (kChunk - fit);
                    if (withExceptions < cost) {
                        cost = withExceptions;
                        escapeBits = b;
                        escaping = kChunk - fit;
                    }
                }
            }
            if (escapeBits > 0) {
                bits = escapeBits;
                h.escapes |= static_cast<std::uint8_t>(1u << k);
                exceptions += escaping; // those wider than the field, or all ones in it
            } else if (bits > kMaxBits) {
                return; // keys too far apart for a field: the chunk stays as it is
            }
            h.base[k] = base;
            h.slope[k] = static_cast<std::int32_t>(slope);
            h.bits[k] = static_cast<std::uint8_t>(bits);
            h.at[k] = static_cast<std::uint16_t>(stride);
            stride += h.bits[k];
        }
        h.exceptions = static_cast<std::uint16_t>(exceptions);
        h.stride = static_cast<std::uint16_t>(stride);
        const std::size_t bytes = blockBytes(stride, exceptions);
        // Zeroed: reading one of the last fields loads 8 bytes, past the last word stored.
        auto block = std::make_unique<std::byte[]>(bytes);
        std::memcpy(block.get(), &h, sizeof h);
        std::byte *data = block.get() + kDataAt;
        std::byte *keys = block.get() + keysAt(stride);
        std::byte *values = block.get() + valuesAt(stride, exceptions);
        std::size_t set = 0; // exceptions so far, in (slot, column) order
        // The fields follow one another without a gap (slot by slot, column by column), so they
        // are gathered in a word and stored a word at a time: or-ing each into the block where
        // it falls would load words the previous store only partly wrote, and stall on it.
        std::uint64_t word = 0;
        unsigned filled = 0; // bits of `word` in use
        std::byte *out = data;
        for (std::size_t i = 0; i < kChunk; ++i) {
            for (int k = 0; k < kColumns; ++k) {
                std::uint64_t field = offLine(columns[i][k], h.base[k], h.slope[k], i);
                const unsigned width = h.bits[k];
                const std::uint64_t all = (std::uint64_t {1} << width) - 1;
                if ((h.escapes >> k & 1) != 0 && field >= all) {
                    const auto key = static_cast<std::uint16_t>(i << 3 | static_cast<unsigned>(k));
                    std::memcpy(keys + 2 * set, &key, 2);
                    std::memcpy(values + 8 * set, &columns[i][k], 8);
                    ++set;
                    field = all;
                }
                word |= field << filled; // width <= kMaxBits < 64: filled < 64 here
                filled += width;
                if (filled >= 64) {
                    std::memcpy(out, &word, 8);
                    out += 8;
                    filled -= 64;
                    word = filled == 0 ? 0 : field >> (width - filled); // what did not fit
                }
            }
        }
        std::memcpy(out, &word, 8); // the last bits (the block has 8 bytes to spare past them)
        assert(set == exceptions);
        assert(out + 8 <= keys);
        assert(columns[0][0] == m_keys[static_cast<std::size_t>(&c - m_chunks.data())]);
        c.raw.reset();
        --m_rawChunks;
        c.packed = std::move(block);
        m_packedBytes += heldBytes(c);
    }

    // A packed chunk's block: header, fields (and 8 bytes more for the last field's load), the
    // exceptions' keys, their values.
    static std::size_t keysAt(unsigned stride) { return kDataAt + (kChunk * stride + 7) / 8 + 8; }
    static std::size_t valuesAt(unsigned stride, std::size_t exceptions)
    {
        return (keysAt(stride) + 2 * exceptions + 7) / 8 * 8;
    }
    static std::size_t blockBytes(unsigned stride, std::size_t exceptions)
    {
        return valuesAt(stride, exceptions) + 8 * exceptions;
    }
    // Memory a packed chunk holds, with the allocator's header (0 for a raw one).
    static std::size_t heldBytes(const Chunk &c)
    {
        if (!c.packed)
            return 0;
        const auto *h = std::launder(reinterpret_cast<const Packed *>(c.packed.get()));
        return blockBytes(h->stride, h->exceptions) + 16;
    }

    T *rawChunk(std::size_t index)
    {
        Chunk &c = m_chunks[index];
        if (!c.raw) {
            auto raw = std::make_unique_for_overwrite<T[]>(kChunk);
            for (std::size_t i = 0; i < kChunk; ++i)
                raw[i] = unpack(c.packed.get(), i);
            m_packedBytes -= heldBytes(c);
            c.packed.reset();
            c.raw = std::move(raw);
            ++m_rawChunks;
            if (!m_autoPack || index + 2 < m_chunks.size())
                m_unpacked.push_back(index + m_chunksDropped);
        }
        return c.raw.get();
    }

    // Packs the chunk that just stopped being one of the newest two, and any chunk edit()
    // unpacked that is behind them now.
    void packBehind(std::size_t newest)
    {
        if (Chunk &c = m_chunks[newest - 2]; c.raw)
            pack(c);
        for (const std::size_t absolute : m_unpacked) {
            if (absolute < m_chunksDropped)
                continue; // folded away since
            const std::size_t index = absolute - m_chunksDropped;
            if (index + 2 <= newest && m_chunks[index].raw)
                pack(m_chunks[index]);
        }
        m_unpacked.clear();
    }

    void dropChunks(std::size_t from, std::size_t to)
    {
        for (std::size_t c = from; c < to; ++c) {
            m_packedBytes -= heldBytes(m_chunks[c]);
            m_rawChunks -= m_chunks[c].raw ? 1 : 0;
        }
        m_chunks.erase(m_chunks.begin() + static_cast<std::ptrdiff_t>(from),
                       m_chunks.begin() + static_cast<std::ptrdiff_t>(to));
        m_keys.erase(m_keys.begin() + static_cast<std::ptrdiff_t>(from),
                     m_keys.begin() + static_cast<std::ptrdiff_t>(to));
    }

    std::vector<Chunk> m_chunks;
    std::vector<std::int64_t> m_keys; // each chunk's first key (the key of its slot 0)
    std::vector<std::size_t>
        m_unpacked; // chunk numbers (counted from the first ever) edit() opened
    std::size_t m_first = 0; // position of element 0 in the first chunk
    std::size_t m_size = 0;
    std::size_t m_chunksDropped = 0; // chunks erased from the front so far
    std::size_t m_packedBytes = 0; // held by packed chunks, allocator headers included
    std::size_t m_rawChunks = 0;
    std::size_t m_packedBelow = 0; // packBefore() packed the chunks numbered below this
    bool m_autoPack = true;
};

} // namespace gui
