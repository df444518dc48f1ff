using EdgeInference.Greengrass.Emulator.Artifacts;
using EdgeInference.Greengrass.Emulator.Recipes;
using Xunit;
using static EdgeInference.Greengrass.Emulator.Recipes.ArtifactAccess;

namespace EdgeInference.Greengrass.Emulator.Tests.Artifacts;

/// <summary>Permission.toFileSystemPermission and Permissions.setArtifactPermission, as modes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ArtifactPermissionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gge-perm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(Owner, None, true, "r--r-----")]
    [InlineData(All, None, true, "r--r--r--")]
    [InlineData(None, None, true, "r--------")]
    [InlineData(Owner, Owner, true, "r-xr-x---")]
    [InlineData(None, All, true, "r-xr-xr-x")]
    [InlineData(Owner, None, false, "rw-r-----")]
    [InlineData(All, All, false, "rwxr-xr-x")]
    public void FileMode_ReadAndExecute_GiveTheNucleusModes(ArtifactAccess read, ArtifactAccess execute, bool superUser, string expected) =>
        Assert.Equal(expected, Symbolic(ArtifactPermissions.FileMode(read, execute, superUser)));

    [Fact]
    public void Apply_Folder_SetsFoldersToRwxRxRxAndFilesToThePermission()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "unpacked", "bin")).FullName;
        var file = Path.Combine(folder, "app");
        File.WriteAllText(file, "#!/bin/sh");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        ArtifactPermissions.Apply(Path.Combine(_folder, "unpacked"), All, All);

        Assert.True(File.GetUnixFileMode(file).HasFlag(UnixFileMode.OtherExecute | UnixFileMode.UserExecute | UnixFileMode.OtherRead));
        Assert.Equal("rwxr-xr-x", Symbolic(File.GetUnixFileMode(folder)));
    }

    private static string Symbolic(UnixFileMode mode)
    {
        char Bit(UnixFileMode flag, char c) => mode.HasFlag(flag) ? c : '-';
        return string.Concat(
            Bit(UnixFileMode.UserRead, 'r'), Bit(UnixFileMode.UserWrite, 'w'), Bit(UnixFileMode.UserExecute, 'x'),
            Bit(UnixFileMode.GroupRead, 'r'), Bit(UnixFileMode.GroupWrite, 'w'), Bit(UnixFileMode.GroupExecute, 'x'),
            Bit(UnixFileMode.OtherRead, 'r'), Bit(UnixFileMode.OtherWrite, 'w'), Bit(UnixFileMode.OtherExecute, 'x'));
    }
}
