using System.Runtime.InteropServices;

namespace EdgeInference.Onnx;

/// <summary>glibc calls the .NET runtime does not offer (not to be confused with System.Runtime.InteropServices.NativeMemory).</summary>
internal static partial class Glibc
{
    /// <summary>
    /// After a session is built, ONNX Runtime has freed its protobuf copy of the weights, but glibc keeps freed
    /// heap pages; a full GC plus malloc_trim hands them back (about 150 MB RSS for ResNet18).
    /// </summary>
    public static void ReleaseFreed()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                MallocTrim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc (musl): nothing to trim.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
