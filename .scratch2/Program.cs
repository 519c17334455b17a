using System.Diagnostics;
using DeskVision.Training;
using TorchSharp;
using static TorchSharp.torch;
var bm = BaseModel.Load(args[0], "/work/wt/train-net/onnx-models");
var data = YoloDataset.Load("/work/shared/testdata/office/images", "/work/shared/testdata/office/labels-coco", bm.ClassNames, null);
TorchSetup.Init(2);
using var net = YoloNet.FromBase(bm);
net.Freeze(int.Parse(args[1]));
int batch = int.Parse(args[2]);
var loss = new DetectionLoss(net.NumClasses, data.LabelledClasses);
var (a, s) = net.Anchors(640);
using var bmk = new BatchMaker(data.Images, 640, true, 0);
var opt = optim.AdamW(net.parameters().Where(p => p.requires_grad), 0.0005);
for (int i = 0; i < 4; i++)
{
  using var scope = NewDisposeScope();
  var sw = Stopwatch.StartNew();
  var (im, t) = bmk.Next(batch); double tb = sw.Elapsed.TotalSeconds;
  var (bd, cl) = net.ForwardRaw(im); double tf = sw.Elapsed.TotalSeconds;
  var (tot, parts) = loss.Compute(bd, cl, a, s, t); double tl = sw.Elapsed.TotalSeconds;
  opt.zero_grad(); tot.backward(); double tbw = sw.Elapsed.TotalSeconds;
  opt.step(); double to = sw.Elapsed.TotalSeconds;
  Console.WriteLine($"{args[0]} freeze {args[1]} b{batch}: batch {tb:0.00} fwd {tf - tb:0.00} loss {tl - tf:0.00} bwd {tbw - tl:0.00} opt {to - tbw:0.00} total {to:0.00} s; load {File.ReadAllText("/proc/loadavg")[..5]}");
}
