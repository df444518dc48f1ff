using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Runtime;
using Xunit;

namespace EdgeInference.Onnx.Tests.Runtime;

/// <summary>Inspection only: <see cref="OnnxRuntimeLibrary.Use"/> is process-wide and is tested in a worker process.</summary>
public sealed class OnnxRuntimeLibraryTests
{
    [Fact]
    public void RequiredApiVersion_IsTheBindingsMinorVersion()
    {
        Assert.Equal("1.31.1", OnnxRuntimeLibrary.BindingsVersion);
        Assert.Equal(31u, OnnxRuntimeLibrary.RequiredApiVersion);
    }

    [Fact]
    public void Inspect_CopyOfTheBundledLibrary_ReturnsItsVersionAndUnloadsIt()
    {
        var folder = Directory.CreateTempSubdirectory("ort-copy-").FullName;
        try
        {
            var copy = Path.Combine(folder, "libonnxruntime.so");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so"), copy);

            Assert.Equal("1.31.1", OnnxRuntimeLibrary.Inspect(copy));

            // Unloaded again: nothing of the copy stays mapped to be taken for the library the process runs.
            Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), line => line.Contains(folder, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Inspect_TextFile_IsRefusedAsNotASharedLibrary()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "#!/bin/sh\necho not a library\n");

            var error = Assert.Throws<InferenceRuntimeException>(() => OnnxRuntimeLibrary.Inspect(file));

            Assert.Equal($"Model:OnnxRuntimeLibrary '{file}' is not a shared library (no ELF shared-object header).", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Inspect_ElfExecutable_IsRefusedAsNotASharedLibrary()
    {
        // An ELF header whose type is ET_EXEC: the type field, not the magic alone, decides.
        var file = Path.GetTempFileName();
        try
        {
            var header = new byte[64];
            header[0] = 0x7F;
            "ELF"u8.CopyTo(header.AsSpan(1));
            header[4] = 2; // 64-bit
            header[5] = 1; // little-endian
            header[16] = 2; // ET_EXEC
            File.WriteAllBytes(file, header);

            var error = Assert.Throws<InferenceRuntimeException>(() => OnnxRuntimeLibrary.Inspect(file));

            Assert.Contains("is not a shared library", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Inspect_Missing_SaysItDoesNotExist()
    {
        var error = Assert.Throws<InferenceRuntimeException>(() => OnnxRuntimeLibrary.Inspect("/nope/libonnxruntime.so"));

        Assert.Equal("Model:OnnxRuntimeLibrary '/nope/libonnxruntime.so' does not exist.", error.Message);
    }
}
