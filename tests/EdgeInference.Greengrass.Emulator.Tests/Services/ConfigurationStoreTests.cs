using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Services;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Services;

public sealed class ConfigurationStoreTests
{
    [Fact]
    public void Merge_NestedObjects_MergesKeysReplacesScalarsAndArraysAndReportsChangedLeaves()
    {
        var store = new ConfigurationStore();
        store.Set("c", new JsonObject { ["a"] = new JsonObject { ["x"] = 1, ["y"] = 2 }, ["list"] = new JsonArray(1, 2), ["same"] = "s" });

        var (changed, _) = store.Merge("c", new JsonObject
        {
            ["a"] = new JsonObject { ["y"] = 3, ["z"] = new JsonObject { ["deep"] = true } },
            ["list"] = new JsonArray(3),
            ["same"] = "s",
        });

        Assert.Equal([["a", "y"], ["a", "z", "deep"], ["list"]], changed.Select(p => p.ToArray()).ToArray());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"a":{"x":1,"y":3,"z":{"deep":true}},"list":[3],"same":"s"}"""),
            store.Get("c")));
    }

    [Fact]
    public void TryGetValue_LeafSubtreeAndMissing()
    {
        var store = new ConfigurationStore();
        store.Set("c", new JsonObject { ["a"] = new JsonObject { ["x"] = 1 } });

        Assert.True(store.TryGetValue("c", ["a", "x"], out var leaf));
        Assert.True(store.TryGetValue("c", ["a"], out var subtree));
        Assert.False(store.TryGetValue("c", ["a", "nope"], out _));
        Assert.False(store.TryGetValue("unknown", null, out _));
        Assert.Equal("""{"x":1}""", leaf.ToJsonString());
        Assert.Equal("""{"x":1}""", subtree.ToJsonString());
    }

    [Fact]
    public async Task Watch_KeyPath_NotifiedOnlyForOverlappingChanges()
    {
        var store = new ConfigurationStore();
        store.Set("c", new JsonObject { ["a"] = new JsonObject { ["x"] = 1 }, ["b"] = 1 });
        var seen = new List<string>();
        using var watch = store.Watch("c", ["a"], path =>
        {
            seen.Add(string.Join('/', path));
            return ValueTask.CompletedTask;
        });

        var (_, notifications) = store.Merge("c", new JsonObject { ["a"] = new JsonObject { ["x"] = 2 }, ["b"] = 2 });
        foreach (var notify in notifications)
        {
            await notify();
        }

        Assert.Equal(["a/x"], seen);
    }
}
