namespace Mesh.Agent.Hosting;

/// <summary>A node ID (UUID) kept in the data folder, so that a restarted server keeps its identity (Consul's <c>node-id</c> file).</summary>
public static class NodeIdentity
{
    public static string LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, "node-id");
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (Guid.TryParse(text, out var existing))
            {
                return existing.ToString();
            }

            throw new InvalidDataException($"{path} does not hold a UUID; fix or delete it");
        }

        var id = Guid.NewGuid().ToString();
        File.WriteAllText(path, id);
        return id;
    }
}
