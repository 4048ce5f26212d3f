#pragma once

#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace gui {

// A sequence that grows at the back and is folded away from the front: the detail the run model
// keeps until the history cap summarizes it. Elements live in fixed chunks of 2^ChunkBits, so
// - dropping a prefix frees its chunks without moving what stays (a vector would move it all,
//   and shrinking it would copy it all);
// - growing never copies and never holds more than one chunk beyond what it needs;
// - positions are plain indexes: iterator arithmetic is integer arithmetic, and an element is a
//   shift, a mask and two loads away.
template<typename T, int ChunkBits = 8> class History
{
    static constexpr std::size_t kChunk = std::size_t {1} << ChunkBits;
    static constexpr std::size_t kMask = kChunk - 1;

    template<bool Const> class Iter
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = std::conditional_t<Const, const T *, T *>;
        using reference = std::conditional_t<Const, const T &, T &>;
        using Owner = std::conditional_t<Const, const History, History>;

        Iter() = default;
        Iter(Owner *owner, std::ptrdiff_t index)
            : m_table(owner->m_chunks.data())
            , m_first(owner->m_first)
            , m_index(index)
        { }
        template<bool C = Const, typename = std::enable_if_t<C>>
        Iter(const Iter<false> &other) // NOLINT: iterator to const_iterator, implicitly
            : m_table(other.m_table)
            , m_first(other.m_first)
            , m_index(other.m_index)
        { }

        // Two loads (the chunk, the element): the iterator holds the chunk table itself.
        reference operator*() const
        {
            const std::size_t p = m_first + static_cast<std::size_t>(m_index);
            return m_table[p >> ChunkBits][p & kMask];
        }
        pointer operator->() const { return &**this; }
        reference operator[](difference_type n) const { return *(*this + n); }
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
        friend class Iter<!Const>;
        friend class History;
        const std::unique_ptr<T[]> *m_table = nullptr; // valid until the history changes
        std::size_t m_first = 0;
        std::ptrdiff_t m_index = 0;
    };

public:
    using value_type = T;
    using size_type = std::size_t;
    using iterator = Iter<false>;
    using const_iterator = Iter<true>;
    using reverse_iterator = std::reverse_iterator<iterator>;
    using const_reverse_iterator = std::reverse_iterator<const_iterator>;

    History() = default;
    History(const History &) = delete;
    History &operator=(const History &) = delete;
    History(History &&other) noexcept
        : m_chunks(std::move(other.m_chunks))
        , m_first(std::exchange(other.m_first, 0))
        , m_size(std::exchange(other.m_size, 0))
    { }
    History &operator=(History &&other) noexcept
    {
        m_chunks = std::move(other.m_chunks);
        m_first = std::exchange(other.m_first, 0);
        m_size = std::exchange(other.m_size, 0);
        other.m_chunks.clear();
        return *this;
    }
    History(std::initializer_list<T> items)
    {
        for (const T &item : items)
            push_back(item);
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    // Memory held (with the allocator's header per chunk), for the history cap's estimate.
    std::size_t bytes() const
    {
        return m_chunks.size() * (kChunk * sizeof(T) + 16) + m_chunks.capacity() * sizeof(void *);
    }

    T &operator[](std::size_t i)
    {
        const std::size_t p = m_first + i;
        return m_chunks[p >> ChunkBits][p & kMask];
    }
    const T &operator[](std::size_t i) const
    {
        const std::size_t p = m_first + i;
        return m_chunks[p >> ChunkBits][p & kMask];
    }
    T &front() { return (*this)[0]; }
    const T &front() const { return (*this)[0]; }
    T &back() { return (*this)[m_size - 1]; }
    const T &back() const { return (*this)[m_size - 1]; }

    iterator begin() { return {this, 0}; }
    iterator end() { return {this, static_cast<std::ptrdiff_t>(m_size)}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, static_cast<std::ptrdiff_t>(m_size)}; }
    reverse_iterator rbegin() { return reverse_iterator(end()); }
    reverse_iterator rend() { return reverse_iterator(begin()); }
    const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
    const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

    void push_back(const T &item)
    {
        const std::size_t p = m_first + m_size;
        if ((p >> ChunkBits) == m_chunks.size())
            m_chunks.push_back(std::make_unique_for_overwrite<T[]>(kChunk));
        m_chunks[p >> ChunkBits][p & kMask] = item;
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
        m_chunks.erase(m_chunks.begin(), m_chunks.begin() + static_cast<std::ptrdiff_t>(spent));
        m_first = m_size == 0 ? 0 : m_first & kMask;
    }

    // Keeps the first `n` (n <= size()).
    void truncate(std::size_t n)
    {
        assert(n <= m_size);
        m_size = n;
        m_chunks.resize(m_size == 0 ? 0 : ((m_first + m_size - 1) >> ChunkBits) + 1);
        if (m_size == 0)
            m_first = 0;
    }

    void clear()
    {
        m_chunks.clear();
        m_first = 0;
        m_size = 0;
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
    std::vector<std::unique_ptr<T[]>> m_chunks;
    std::size_t m_first = 0; // position of element 0 in the first chunk
    std::size_t m_size = 0;
};

} // namespace gui
