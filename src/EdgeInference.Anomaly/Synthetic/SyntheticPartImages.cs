using OpenCvSharp;

namespace EdgeInference.Anomaly.Synthetic;

/// <summary>
/// Deterministic photos of a machined bracket (a rounded plate with two holes and a slot, shaded, placed with a little
/// jitter) on a textured surface, with drawn defects and their exact masks: scratches (thin bright or dark strokes),
/// cracks (dark random walks) and missing pieces (a bite out of the plate's edge showing the surface beneath).
/// </summary>
/// <param name="placement">How far parts move and turn between images: 1 = ±3 % and ±4° (aligned fixtures), larger for loose parts.</param>
public sealed class SyntheticPartImages(int width = 160, int height = 120, int seed = 7, float placement = 1f)
{
    public int Width => width;

    public int Height => height;

    /// <summary>One image (BGR) and its defect mask (8-bit, 255 on the defect; all zero for a normal image).</summary>
    public (Mat Image, Mat Mask) Draw(int index, SyntheticDefect? defect)
    {
        // Not HashCode.Combine: it is randomised per process, and the same seed must draw the same images in every run.
        var random = new Random(unchecked((seed * 1_000_003) + (index * 8_191) + (defect is { } d ? (int)d + 1 : 0)));
        var background = Surface(random);
        var image = background.Clone();
        var plate = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        var centre = new Point2f((width / 2f) + Jitter(random, width * 0.03f * placement), (height / 2f) + Jitter(random, height * 0.03f * placement));
        var angle = Jitter(random, 4f * placement);
        DrawPlate(plate, centre, angle);
        ShadePlate(image, plate, random);
        var mask = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        switch (defect)
        {
            case SyntheticDefect.Scratch:
                DrawScratch(image, mask, plate, random);
                break;
            case SyntheticDefect.Crack:
                DrawCrack(image, mask, plate, random);
                break;
            case SyntheticDefect.MissingPiece:
                DrawMissingPiece(image, background, mask, plate, centre, random);
                break;
        }

        background.Dispose();
        plate.Dispose();
        return (image, mask);
    }

    private Mat Surface(Random random)
    {
        // Low-frequency mottling (coarse noise upsampled) plus fine grain, around a brownish grey.
        using var coarse = new Mat(6, 8, MatType.CV_32FC1);
        for (var y = 0; y < 6; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                coarse.Set(y, x, (float)random.NextDouble());
            }
        }

        using var smooth = new Mat();
        Cv2.Resize(coarse, smooth, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
        var surface = new Mat(height, width, MatType.CV_8UC3);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var shade = (smooth.At<float>(y, x) * 40) + (random.NextDouble() * 18);
                surface.Set(y, x, new Vec3b((byte)(70 + shade), (byte)(85 + shade), (byte)(95 + shade)));
            }
        }

        return surface;
    }

    private void DrawPlate(Mat plate, Point2f centre, float angle)
    {
        var size = new Size2f(width * 0.62f, height * 0.5f);
        var corners = new RotatedRect(centre, size, angle).Points().Select(p => new Point((int)p.X, (int)p.Y)).ToArray();
        Cv2.FillConvexPoly(plate, corners, Scalar.All(255), LineTypes.AntiAlias);
        var radians = angle * Math.PI / 180;
        Point At(float dx, float dy) => new(
            (int)(centre.X + (dx * Math.Cos(radians)) - (dy * Math.Sin(radians))),
            (int)(centre.Y + (dx * Math.Sin(radians)) + (dy * Math.Cos(radians))));
        var hole = (int)(height * 0.07f);
        Cv2.Circle(plate, At(-width * 0.22f, 0), hole, Scalar.All(0), -1, LineTypes.AntiAlias);
        Cv2.Circle(plate, At(width * 0.22f, 0), hole, Scalar.All(0), -1, LineTypes.AntiAlias);
        Cv2.Line(plate, At(-width * 0.08f, height * 0.12f), At(width * 0.08f, height * 0.12f), Scalar.All(0), Math.Max(2, hole / 2), LineTypes.AntiAlias);
    }

    private static void ShadePlate(Mat image, Mat plate, Random random)
    {
        var brightness = 170 + random.Next(12);
        var rows = image.Rows;
        var cols = image.Cols;
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < cols; x++)
            {
                var alpha = plate.At<byte>(y, x) / 255.0;
                if (alpha <= 0)
                {
                    continue;
                }

                var metal = brightness + (30.0 * x / cols) - (20.0 * y / rows) + (random.NextDouble() * 6);
                var pixel = image.At<Vec3b>(y, x);
                image.Set(y, x, new Vec3b(
                    Blend(pixel.Item0, metal, alpha),
                    Blend(pixel.Item1, metal + 4, alpha),
                    Blend(pixel.Item2, metal + 8, alpha)));
            }
        }
    }

    private static byte Blend(byte under, double over, double alpha) => (byte)Math.Clamp((under * (1 - alpha)) + (over * alpha), 0, 255);

    private Point PointOnPlate(Mat plate, Random random)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var point = new Point(random.Next(width), random.Next(height));
            if (plate.At<byte>(point.Y, point.X) == 255)
            {
                return point;
            }
        }

        return new Point(width / 2, height / 2);
    }

    private void DrawScratch(Mat image, Mat mask, Mat plate, Random random)
    {
        var start = PointOnPlate(plate, random);
        var length = width * (0.18 + (random.NextDouble() * 0.15));
        var direction = random.NextDouble() * Math.PI;
        var end = new Point((int)(start.X + (length * Math.Cos(direction))), (int)(start.Y + (length * Math.Sin(direction))));
        using var stroke = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        Cv2.Line(stroke, start, end, Scalar.All(255), 2, LineTypes.AntiAlias);
        Cv2.BitwiseAnd(stroke, plate, stroke);
        var colour = random.Next(2) == 0 ? new Scalar(35, 35, 40) : new Scalar(250, 250, 250);
        image.SetTo(colour, stroke);
        Cv2.Threshold(stroke, mask, 0, 255, ThresholdTypes.Binary);
    }

    private void DrawCrack(Mat image, Mat mask, Mat plate, Random random)
    {
        var point = PointOnPlate(plate, random);
        var direction = random.NextDouble() * Math.PI * 2;
        var points = new List<Point> { point };
        for (var step = 0; step < 14; step++)
        {
            direction += (random.NextDouble() - 0.5) * 1.2;
            point = new Point(point.X + (int)Math.Round(3 * Math.Cos(direction)), point.Y + (int)Math.Round(3 * Math.Sin(direction)));
            points.Add(point);
        }

        using var stroke = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        Cv2.Polylines(stroke, [points], false, Scalar.All(255), 2, LineTypes.Link8);
        Cv2.BitwiseAnd(stroke, plate, stroke);
        image.SetTo(new Scalar(20, 22, 28), stroke);
        Cv2.Threshold(stroke, mask, 0, 255, ThresholdTypes.Binary);
    }

    private void DrawMissingPiece(Mat image, Mat background, Mat mask, Mat plate, Point2f centre, Random random)
    {
        // A disc centred on the plate's edge: the part inside it is gone and the surface shows through.
        var angle = random.NextDouble() * Math.PI * 2;
        var edge = new Point((int)centre.X, (int)centre.Y);
        for (var r = 0; r < width; r++)
        {
            var p = new Point((int)(centre.X + (r * Math.Cos(angle))), (int)(centre.Y + (r * Math.Sin(angle))));
            if (p.X < 0 || p.Y < 0 || p.X >= width || p.Y >= height || plate.At<byte>(p.Y, p.X) == 0)
            {
                break;
            }

            edge = p;
        }

        using var bite = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        Cv2.Circle(bite, edge, (int)(height * (0.1 + (random.NextDouble() * 0.06))), Scalar.All(255), -1);
        using var hard = new Mat();
        Cv2.Threshold(plate, hard, 127, 255, ThresholdTypes.Binary);
        Cv2.BitwiseAnd(bite, hard, bite);
        background.CopyTo(image, bite);
        bite.CopyTo(mask);
    }

    private static float Jitter(Random random, float amplitude) => (float)((random.NextDouble() * 2) - 1) * amplitude;
}
