using System.IO.Compression;
using EdgeInference.Components;
using EdgeInference.Components.Build;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Components.Tests.Build;

public sealed class ArtifactZipperTests
{
    [Fact]
    public void Zip_PublishFolder_FilesAtTheRootWithExecutableWorker()
    {
        using var project = new ComponentTestProject();
        var output = Path.Combine(project.Root, "out");

        var zip = ArtifactZipper.Zip(Path.Combine(project.PublishDirectory, "linux-x64"), "linux-x64", output);

        Assert.Equal(Path.Combine(output, "edge-inference-worker-linux-x64.zip"), zip);
        using var archive = ZipFile.OpenRead(zip);
        // Greengrass unpacks into {artifacts:decompressedPath}/edge-inference-worker-linux-x64/ itself; a top folder would nest twice.
        Assert.Equal(
            ["runtimes/", "EdgeInference.Worker", "EdgeInference.Worker.dll", "runtimes/native.so"],
            archive.Entries.Select(e => e.FullName));
        var worker = archive.GetEntry("EdgeInference.Worker")!;
        Assert.Equal(0b111_101_101 | 0x8000, (worker.ExternalAttributes >> 16) & 0xFFFF);
        using var reader = new StreamReader(archive.GetEntry("runtimes/native.so")!.Open());
        Assert.Equal("linux-x64", reader.ReadToEnd());
    }

    [Fact]
    public void Zip_SameInputTwice_ByteIdenticalArchives()
    {
        using var project = new ComponentTestProject();
        var source = Path.Combine(project.PublishDirectory, "linux-arm64");

        var first = File.ReadAllBytes(ArtifactZipper.Zip(source, "linux-arm64", Path.Combine(project.Root, "a")));
        var second = File.ReadAllBytes(ArtifactZipper.Zip(source, "linux-arm64", Path.Combine(project.Root, "b")));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Zip_FolderWithoutWorkerBinary_ThrowsNamingIt()
    {
        using var project = new ComponentTestProject();
        var empty = Directory.CreateDirectory(Path.Combine(project.Root, "empty")).FullName;

        var error = Assert.Throws<ComponentBuildException>(() => ArtifactZipper.Zip(empty, "linux-x64", project.Root));

        Assert.Contains("holds no EdgeInference.Worker", error.Message, StringComparison.Ordinal);
    }
}
