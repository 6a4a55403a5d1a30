namespace Mesh.FaultTest.Checking;

/// <summary>
/// Wing-Gong-Lowe search with Lowe's memoisation (the algorithm of porcupine) for a register per key: the history of
/// each key is linearizable when its operations can be put in one order that respects real time (an operation that
/// returned before another was invoked comes first) and in which every read returns the latest write (or null before
/// any). Keys are independent, so each is checked alone.
/// </summary>
public static class LinearizabilityChecker
{
    public static IReadOnlyList<LinearizabilityResult> Check(IEnumerable<Operation> history, long maxStepsPerKey = 5_000_000)
        => [.. history.GroupBy(op => op.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => CheckKey(g.Key, [.. g], maxStepsPerKey))];

    public static LinearizabilityResult CheckKey(string key, IReadOnlyList<Operation> ops, long maxSteps = 5_000_000)
    {
        var n = ops.Count;
        if (n == 0)
        {
            return new LinearizabilityResult(key, true, 0, false, null);
        }

        // Nodes 1..2n: call and return events sorted by time (calls before returns at equal times); 0 is the head.
        var events = new List<(long Time, bool IsReturn, int Op)>(2 * n);
        for (var i = 0; i < n; i++)
        {
            events.Add((ops[i].Call, false, i));
            events.Add((ops[i].Return, true, i));
        }

        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.IsReturn.CompareTo(b.IsReturn));
        var count = events.Count + 1;
        var next = new int[count];
        var prev = new int[count];
        var isReturn = new bool[count];
        var opOf = new int[count];
        var returnNode = new int[n];
        for (var node = 1; node < count; node++)
        {
            var e = events[node - 1];
            isReturn[node] = e.IsReturn;
            opOf[node] = e.Op;
            if (e.IsReturn)
            {
                returnNode[e.Op] = node;
            }

            prev[node] = node - 1;
            next[node - 1] = node;
        }

        next[count - 1] = -1;
        var linearized = new ulong[(n + 63) / 64];
        var cache = new HashSet<CacheKey>();
        var stack = new Stack<(int CallNode, string? State)>();
        string? state = null;
        var entry = next[0];
        var deepest = 0;
        long steps = 0;

        while (next[0] != -1)
        {
            if (++steps > maxSteps)
            {
                return new LinearizabilityResult(key, true, n, true, $"gave up after {maxSteps} steps");
            }

            if (!isReturn[entry])
            {
                var op = ops[opOf[entry]];
                var (ok, newState) = Step(state, op);
                if (ok)
                {
                    Set(linearized, opOf[entry], true);
                    if (cache.Add(new CacheKey([.. linearized], newState)))
                    {
                        stack.Push((entry, state));
                        state = newState;
                        deepest = Math.Max(deepest, stack.Count);
                        Lift(entry, returnNode[opOf[entry]], next, prev);
                        entry = next[0];
                        continue;
                    }

                    Set(linearized, opOf[entry], false);
                }

                entry = next[entry];
            }
            else
            {
                if (stack.Count == 0)
                {
                    var stuck = ops[opOf[entry]];
                    return new LinearizabilityResult(key, false, n, false,
                        $"no order fits: at most {deepest} of {n} operations could be placed; stuck before the return of {Describe(stuck)}");
                }

                var (callNode, previous) = stack.Pop();
                Set(linearized, opOf[callNode], false);
                state = previous;
                Unlift(callNode, returnNode[opOf[callNode]], next, prev);
                entry = next[callNode];
            }
        }

        return new LinearizabilityResult(key, true, n, false, null);
    }

    private static (bool Ok, string? State) Step(string? state, Operation op) => op.Kind switch
    {
        OperationKind.Write => (true, op.Value),
        _ => (string.Equals(state, op.Value, StringComparison.Ordinal), state),
    };

    private static string Describe(Operation op)
        => $"{op.Kind.ToString().ToLowerInvariant()}({op.Value ?? "absent"}) by client {op.Client} [{op.Call}, {(op.IsPending ? "pending" : op.Return.ToString(System.Globalization.CultureInfo.InvariantCulture))}]";

    private static void Lift(int call, int ret, int[] next, int[] prev)
    {
        Remove(call, next, prev);
        Remove(ret, next, prev);
    }

    private static void Unlift(int call, int ret, int[] next, int[] prev)
    {
        // Reinserted in the reverse order of removal, each node's saved neighbours are current again.
        Reinsert(ret, next, prev);
        Reinsert(call, next, prev);
    }

    private static void Remove(int node, int[] next, int[] prev)
    {
        next[prev[node]] = next[node];
        if (next[node] != -1)
        {
            prev[next[node]] = prev[node];
        }
    }

    private static void Reinsert(int node, int[] next, int[] prev)
    {
        next[prev[node]] = node;
        if (next[node] != -1)
        {
            prev[next[node]] = node;
        }
    }

    private static void Set(ulong[] bits, int index, bool value)
    {
        if (value)
        {
            bits[index / 64] |= 1UL << (index % 64);
        }
        else
        {
            bits[index / 64] &= ~(1UL << (index % 64));
        }
    }

    private readonly struct CacheKey(ulong[] bits, string? state) : IEquatable<CacheKey>
    {
        private readonly ulong[] _bits = bits;
        private readonly string? _state = state;

        public bool Equals(CacheKey other)
            => string.Equals(_state, other._state, StringComparison.Ordinal) && _bits.AsSpan().SequenceEqual(other._bits);

        public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var word in _bits)
            {
                hash.Add(word);
            }

            hash.Add(_state, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
