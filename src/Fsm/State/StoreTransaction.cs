using Mesh.Fsm.Model;

namespace Mesh.Fsm.State;

/// <summary>
/// Builds the next <see cref="StoreState"/> from the current one for a single Raft index: every row written gets
/// that index, secondary indexes are kept in step, and the watch keys touched are collected for waking readers.
/// Not thread-safe; the FSM applies one entry at a time.
/// </summary>
public sealed partial class StoreTransaction
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private StoreState _state;

    public StoreTransaction(StoreState state, long index)
    {
        _state = state;
        Index = index;
    }

    public long Index { get; }

    public StoreState State => _state;

    public IReadOnlyCollection<string> Touched => _touched;

    /// <summary>Returns the new state with the watch indexes of every touched key set to this transaction's index.</summary>
    public StoreState Commit()
    {
        var watchIndexes = _state.WatchIndexes.ToBuilder();
        foreach (var key in _touched)
        {
            watchIndexes[key] = Index;
        }

        return _state with { AppliedIndex = Index, WatchIndexes = watchIndexes.ToImmutable() };
    }

    private void Touch(string key) => _touched.Add(key);

    /// <summary>Marks every query that shows the service instance (and its health) as changed.</summary>
    private void TouchInstance(NodeService service)
    {
        Touch(WatchKeys.Service(service.Service));
        if (service.ConnectDestination is { } destination)
        {
            Touch(WatchKeys.Connect(destination));
        }

        Touch(WatchKeys.Kind(service.Kind));
    }

    public void UpsertNode(Node node)
    {
        var key = NameKey.Of(node.Name);
        var existing = _state.Nodes.GetValueOrDefault(key);
        if (existing is not null && RowContent.Same(existing with { CreateIndex = 0, ModifyIndex = 0 }, node with { CreateIndex = 0, ModifyIndex = 0 }))
        {
            return;
        }

        var row = node with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        var byId = existing is { Id.Length: > 0 } ? _state.NodesById.Remove(NameKey.Of(existing.Id), key) : _state.NodesById;
        _state = _state with
        {
            Nodes = _state.Nodes.SetItem(key, row),
            NodesById = row.Id.Length > 0 ? byId.Add(NameKey.Of(row.Id), key) : byId,
        };
        Touch(WatchKeys.Nodes);
        Touch(WatchKeys.Node(node.Name));
        foreach (var service in _state.ServicesOnNode(node.Name))
        {
            TouchInstance(service);
        }
    }

    public void DeleteNode(string nodeName)
    {
        var key = NameKey.Of(nodeName);
        if (!_state.Nodes.TryGetValue(key, out var removed))
        {
            return;
        }

        foreach (var check in _state.ChecksOnNode(nodeName).ToList())
        {
            DeleteCheck(nodeName, check.CheckId);
        }

        foreach (var service in _state.ServicesOnNode(nodeName).ToList())
        {
            DeleteService(nodeName, service.Id);
        }

        _state = _state with
        {
            Nodes = _state.Nodes.Remove(key),
            NodesById = removed.Id.Length > 0 ? _state.NodesById.Remove(NameKey.Of(removed.Id), key) : _state.NodesById,
        };
        Touch(WatchKeys.Nodes);
        Touch(WatchKeys.Node(nodeName));
    }

    public void UpsertService(string nodeName, NodeService service)
    {
        var key = ServiceKey.For(nodeName, service.Id);
        var existing = _state.Services.GetValueOrDefault(key);

        // A different port or address already tells the rows apart: encode them only when those agree.
        if (existing is not null && existing.Port == service.Port && existing.Address == service.Address
            && RowContent.Same(existing with { CreateIndex = 0, ModifyIndex = 0 }, service with { CreateIndex = 0, ModifyIndex = 0 }))
        {
            return;
        }

        var row = service with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        if (existing is not null && SameIndexEntries(existing, row))
        {
            // Only the row changes (a new port, tags, meta): its index entries stay as they are. Removing and adding
            // them again rebuilt four sorted sets per write, most of what a re-registration allocated in the FSM.
            TouchInstance(existing);
            _state = _state with { Services = _state.Services.SetItem(key, row) };
        }
        else
        {
            if (existing is not null)
            {
                RemoveServiceIndexes(key, existing);
            }

            _state = _state with
            {
                Services = _state.Services.SetItem(key, row),
                ServicesByName = _state.ServicesByName.Add(NameKey.Of(row.Service), key),
                ServicesByNode = _state.ServicesByNode.Add(key.Node, key),
                ServicesByKind = _state.ServicesByKind.Add(row.Kind, key),
                ServicesByConnect = row.ConnectDestination is { } destination
                    ? _state.ServicesByConnect.Add(NameKey.Of(destination), key)
                    : _state.ServicesByConnect,
            };
        }

        Touch(WatchKeys.Services);
        Touch(WatchKeys.Node(nodeName));
        TouchInstance(row);

        // Checks of this service carry its name and tags; keep them in step when those change.
        if (existing is not null && (existing.Service != row.Service || !existing.Tags.SequenceEqual(row.Tags)))
        {
            foreach (var check in _state.ChecksOnNode(nodeName).Where(c => c.ServiceId == row.Id).ToList())
            {
                UpsertCheck(check with { ServiceName = row.Service, ServiceTags = row.Tags });
            }
        }
    }

    public void DeleteService(string nodeName, string serviceId)
    {
        var key = ServiceKey.For(nodeName, serviceId);
        if (!_state.Services.TryGetValue(key, out var existing))
        {
            return;
        }

        foreach (var check in _state.ChecksOnNode(nodeName).Where(c => c.ServiceId == serviceId).ToList())
        {
            DeleteCheck(nodeName, check.CheckId);
        }

        RemoveServiceIndexes(key, existing);
        _state = _state with { Services = _state.Services.Remove(key) };
        Touch(WatchKeys.Services);
        Touch(WatchKeys.Node(nodeName));
    }

    /// <summary>True when both rows sit under the same name, kind and Connect destination (the node is the key's).</summary>
    private static bool SameIndexEntries(NodeService existing, NodeService row)
        => NameKey.Of(existing.Service) == NameKey.Of(row.Service)
           && existing.Kind == row.Kind
           && (existing.ConnectDestination, row.ConnectDestination) switch
           {
               (null, null) => true,
               ({ } before, { } after) => NameKey.Of(before) == NameKey.Of(after),
               _ => false,
           };

    private void RemoveServiceIndexes(ServiceKey key, NodeService existing)
    {
        _state = _state with
        {
            ServicesByName = _state.ServicesByName.Remove(NameKey.Of(existing.Service), key),
            ServicesByNode = _state.ServicesByNode.Remove(key.Node, key),
            ServicesByKind = _state.ServicesByKind.Remove(existing.Kind, key),
            ServicesByConnect = existing.ConnectDestination is { } destination
                ? _state.ServicesByConnect.Remove(NameKey.Of(destination), key)
                : _state.ServicesByConnect,
        };
        TouchInstance(existing);
    }

    public void UpsertCheck(HealthCheck check)
    {
        var key = CheckKey.For(check.Node, check.CheckId);
        var existing = _state.Checks.GetValueOrDefault(key);
        if (existing is not null && RowContent.Same(existing with { CreateIndex = 0, ModifyIndex = 0 }, check with { CreateIndex = 0, ModifyIndex = 0 }))
        {
            return;
        }

        var row = check with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        _state = _state with
        {
            Checks = _state.Checks.SetItem(key, row),
            ChecksByNode = _state.ChecksByNode.Add(key.Node, key),
        };
        TouchCheck(row);
        if (existing is not null && existing.ServiceId != row.ServiceId)
        {
            TouchCheck(existing);
        }
    }

    public void DeleteCheck(string nodeName, string checkId)
    {
        var key = CheckKey.For(nodeName, checkId);
        if (!_state.Checks.TryGetValue(key, out var existing))
        {
            return;
        }

        _state = _state with
        {
            Checks = _state.Checks.Remove(key),
            ChecksByNode = _state.ChecksByNode.Remove(key.Node, key),
        };
        TouchCheck(existing);
    }

    private void TouchCheck(HealthCheck check)
    {
        Touch(WatchKeys.Checks);
        Touch(WatchKeys.Node(check.Node));
        if (check.ServiceId.Length > 0)
        {
            if (_state.FindService(check.Node, check.ServiceId) is { } service)
            {
                TouchInstance(service);
            }
        }
        else
        {
            // A node-level check is part of the health of every instance on the node.
            foreach (var service in _state.ServicesOnNode(check.Node))
            {
                TouchInstance(service);
            }
        }
    }

    public void UpsertConfigEntry(ConfigEntry entry)
    {
        var key = new ConfigEntryKey(entry.Kind, entry.Name);
        var existing = _state.ConfigEntries.GetValueOrDefault(key);
        if (existing is not null && existing.Body == entry.Body)
        {
            return;
        }

        var row = entry with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        _state = _state with { ConfigEntries = _state.ConfigEntries.SetItem(key, row) };
        Touch(WatchKeys.ConfigKind(entry.Kind));
        Touch(WatchKeys.ConfigEntry(entry.Kind, entry.Name));
    }

    public void DeleteConfigEntry(string kind, string name)
    {
        var key = new ConfigEntryKey(kind, name);
        if (!_state.ConfigEntries.ContainsKey(key))
        {
            return;
        }

        _state = _state with { ConfigEntries = _state.ConfigEntries.Remove(key) };
        Touch(WatchKeys.ConfigKind(kind));
        Touch(WatchKeys.ConfigEntry(kind, name));
    }

    /// <summary>Stores the autopilot configuration, keeping its CreateIndex across updates.</summary>
    public void SetAutopilot(AutopilotConfig next)
    {
        _state = _state with { Autopilot = next with { CreateIndex = _state.Autopilot?.CreateIndex ?? Index, ModifyIndex = Index } };
        Touch(WatchKeys.Autopilot);
    }

    /// <summary>Stores a new CA state; roots keep their indexes unless their content changed.</summary>
    public void SetCa(CaState next)
    {
        var previous = _state.Ca;
        var roots = next.Roots.Select(root =>
        {
            var old = previous?.Roots.FirstOrDefault(r => r.Id == root.Id);
            return old is not null && RowContent.Same(old with { CreateIndex = 0, ModifyIndex = 0 }, root with { CreateIndex = 0, ModifyIndex = 0 })
                ? old
                : root with { CreateIndex = old?.CreateIndex ?? Index, ModifyIndex = Index };
        }).ToList();
        var configuration = previous is not null && RowContent.Same(previous.Configuration with { CreateIndex = 0, ModifyIndex = 0 }, next.Configuration with { CreateIndex = 0, ModifyIndex = 0 })
            ? previous.Configuration
            : next.Configuration with { CreateIndex = previous?.Configuration.CreateIndex ?? Index, ModifyIndex = Index };
        var rootsChanged = previous is null || previous.TrustDomain != next.TrustDomain
            || !previous.Roots.Select(r => (r.Id, r.ModifyIndex)).SequenceEqual(roots.Select(r => (r.Id, r.ModifyIndex)));
        _state = _state with
        {
            Ca = next with
            {
                Roots = roots,
                Configuration = configuration,
                CreateIndex = previous?.CreateIndex ?? Index,
                ModifyIndex = Index,
            },
        };
        if (rootsChanged)
        {
            Touch(WatchKeys.CaRoots);
        }

        if (!ReferenceEquals(configuration, previous?.Configuration))
        {
            Touch(WatchKeys.CaConfig);
        }
    }

    /// <summary>Advances the serial counter by <paramref name="count"/> and returns the first reserved serial.</summary>
    public long ReserveSerials(int count)
    {
        var ca = _state.Ca ?? throw new InvalidOperationException("the CA is not initialized");
        var first = ca.NextSerial;
        _state = _state with { Ca = ca with { NextSerial = first + count } };
        return first;
    }
}
