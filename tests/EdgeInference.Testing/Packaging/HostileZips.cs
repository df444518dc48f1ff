using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace EdgeInference.Testing.Packaging;

/// <summary>Crafts hostile zips in memory: real entries whose headers are then patched to lie about their sizes.</summary>
public static class HostileZips
{
    private const uint LocalHeader = 0x04034b50;
    private const uint CentralHeader = 0x02014b50;

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Rewrites the uncompressed size <paramref name="entryName"/> declares, in its local and central headers.</summary>
    public static byte[] DeclareSize(byte[] zip, string entryName, uint uncompressedSize)
    {
        var patched = (byte[])zip.Clone();
        var name = Encoding.UTF8.GetBytes(entryName);
        var found = 0;
        for (var i = 0; i + 46 < patched.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(i));
            if (signature == LocalHeader && NameAt(patched, i + 30, BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan(i + 26))).SequenceEqual(name))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(i + 22), uncompressedSize);
                found++;
            }
            else if (signature == CentralHeader && NameAt(patched, i + 46, BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan(i + 28))).SequenceEqual(name))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(i + 24), uncompressedSize);
                found++;
            }
        }

        return found == 2 ? patched : throw new InvalidOperationException($"Entry {entryName} has {found} headers, not 2.");
    }

    /// <summary>Marks <paramref name="entryName"/> as a Unix symbolic link in the central directory (external attributes).</summary>
    public static byte[] MarkSymlink(byte[] zip, string entryName)
    {
        var patched = (byte[])zip.Clone();
        var name = Encoding.UTF8.GetBytes(entryName);
        for (var i = 0; i + 46 < patched.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(patched.AsSpan(i)) == CentralHeader
                && NameAt(patched, i + 46, BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan(i + 28))).SequenceEqual(name))
            {
                BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(i + 4), 0x0314); // made by: Unix
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(i + 38), 0xA1FFu << 16); // lrwxrwxrwx
                return patched;
            }
        }

        throw new InvalidOperationException($"No central header for {entryName}.");
    }

    private static ReadOnlySpan<byte> NameAt(byte[] zip, int offset, int length) =>
        offset + length <= zip.Length ? zip.AsSpan(offset, length) : [];
}
