using System.Runtime.InteropServices;
using EdgeInference.Greengrass.Emulator.Recipes;

namespace EdgeInference.Greengrass.Emulator.Artifacts;

/// <summary>
/// An artifact's <c>Permission</c> as file modes, as the nucleus sets them (componentmanager/models/Permission.java
/// toFileSystemPermission, util/Permissions.setArtifactPermission): the owner may always read; Execute OWNER or ALL lets
/// the owner and group execute; group read follows Read OWNER/ALL or any execute; others read with Read ALL or Execute
/// ALL and execute with Execute ALL. The owner may write only when the nucleus does not run as root (so it can delete the
/// files later). Folders get <c>rwxr-xr-x</c>, and an unpacked archive's folder is walked.
/// </summary>
internal static partial class ArtifactPermissions
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly bool IsSuperUser = !OperatingSystem.IsWindows() && GetEffectiveUserId() == 0;

    /// <summary>The mode for a file with this Read/Execute permission.</summary>
    public static UnixFileMode FileMode(ArtifactAccess read, ArtifactAccess execute, bool superUser)
    {
        var anyExecute = execute is ArtifactAccess.Owner or ArtifactAccess.All;
        var mode = UnixFileMode.UserRead;
        if (!superUser)
        {
            mode |= UnixFileMode.UserWrite;
        }

        if (anyExecute)
        {
            mode |= UnixFileMode.UserExecute | UnixFileMode.GroupExecute;
        }

        if (read is ArtifactAccess.Owner or ArtifactAccess.All || anyExecute)
        {
            mode |= UnixFileMode.GroupRead;
        }

        if (read == ArtifactAccess.All || execute == ArtifactAccess.All)
        {
            mode |= UnixFileMode.OtherRead;
        }

        if (execute == ArtifactAccess.All)
        {
            mode |= UnixFileMode.OtherExecute;
        }

        return mode;
    }

    /// <summary>Applies the permission to a file, or to a folder and everything under it.</summary>
    public static void Apply(string path, ArtifactAccess read, ArtifactAccess execute)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fileMode = FileMode(read, execute, IsSuperUser);
        if (File.Exists(path))
        {
            File.SetUnixFileMode(path, fileMode);
            return;
        }

        if (!Directory.Exists(path))
        {
            return;
        }

        File.SetUnixFileMode(path, FolderMode);
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            File.SetUnixFileMode(entry.FullName, entry is DirectoryInfo ? FolderMode : fileMode);
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
