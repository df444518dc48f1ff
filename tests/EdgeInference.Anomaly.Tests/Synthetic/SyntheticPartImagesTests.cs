using EdgeInference.Anomaly.Synthetic;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Synthetic;

public sealed class SyntheticPartImagesTests
{
    [Theory]
    [InlineData(SyntheticDefect.Scratch)]
    [InlineData(SyntheticDefect.Crack)]
    [InlineData(SyntheticDefect.MissingPiece)]
    public void Draw_Defect_MaskCoversExactlyTheChangedPixelsOnThePart(SyntheticDefect defect)
    {
        var generator = new SyntheticPartImages(seed: 3);

        var (image, mask) = generator.Draw(5, defect);
        using (image)
        using (mask)
        {
            var marked = Cv2.CountNonZero(mask);
            Assert.InRange(marked, 10, 160 * 120 / 5);
        }
    }

    [Fact]
    public void Draw_Normal_EmptyMaskAndSameImageForSameSeed()
    {
        var (first, firstMask) = new SyntheticPartImages(seed: 3).Draw(1, null);
        var (second, secondMask) = new SyntheticPartImages(seed: 3).Draw(1, null);
        using (first)
        using (firstMask)
        using (second)
        using (secondMask)
        using (var difference = new Mat())
        {
            Cv2.Absdiff(first, second, difference);
            Assert.Equal(0, Cv2.CountNonZero(difference.Reshape(1)));
            Assert.Equal(0, Cv2.CountNonZero(firstMask));
        }
    }
}
