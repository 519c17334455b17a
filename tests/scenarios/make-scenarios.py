#!/usr/bin/python3
"""Builds the scenario set for `deskvision eval --scenarios` from the real photos in ../shared/testdata.

Each line of scenarios.tsv is one case: check, image, reference, region, expected, source. Paths starting with
`shared/` are the real test photos, used as they are; `images/` and `refs/` are made here, each by a stated
operation on real photos (see the `source` column and README.md). Deterministic (fixed seeds): run it again and
the same files come out. Needs Debian's python3-pil and fonts-wqy-zenhei (for the rendered sign), nothing at run time.
usage: /usr/bin/python3 tests/scenarios/make-scenarios.py
"""
import os, random
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageEnhance

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "testdata"))
OFFICE = sorted(os.listdir(os.path.join(SHARED, "office", "images")))
rows = []

def office(i): return f"shared/office/images/{OFFICE[i]}"
def open_shared(rel): return Image.open(os.path.join(SHARED, rel[len("shared/"):])).convert("RGB")
def save(img, rel, quality=88):
    path = os.path.join(HERE, rel); os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path, quality=quality); return rel
def add(check, image, reference, region, expected, source):
    rows.append((check, image, reference or "-", region or "-", "yes" if expected else "no", source))
def norm(box, w=640, h=640): return ",".join(f"{v:.4f}" for v in (box[0] / w, box[1] / h, box[2] / w, box[3] / h))

# ---------------------------------------------------------------- camera health
# Real frames of five kinds of camera; each also blurred (defocus) and covered (a hand over the lens).
health_frames = [office(0), office(5), office(9), office(14), office(16), office(21),
                 "shared/desk/images/" + sorted(os.listdir(os.path.join(SHARED, "desk", "images")))[0],
                 "shared/desk/images/" + sorted(os.listdir(os.path.join(SHARED, "desk", "images")))[12],
                 "shared/val/images/cartucho_2007_000256.jpg", "shared/val/images/cartucho_2007_000346.jpg"]
for n, rel in enumerate(health_frames):
    img = open_shared(rel)
    add("blur", rel, None, None, False, "real")
    add("covered", rel, None, None, False, "real")
    sigma = (2.0 if n % 2 else 3.5) * img.width / 640
    add("blur", save(img.filter(ImageFilter.GaussianBlur(sigma)), f"images/blur-{n}.jpg"), None, None, True,
        f"composed: the real frame with a Gaussian blur of sigma {sigma / img.width * 640:.1f} px at 640 px wide (defocus)")
    # A hand or cloth on the lens is so close that it is all defocus: its colour, a soft gradient, a little light leaking.
    skin = Image.new("RGB", img.size, (150, 110, 95) if n % 2 else (60, 50, 45))
    grad = Image.linear_gradient("L").resize(img.size).point(lambda v: 80 + v // 3)
    covered = Image.composite(img.filter(ImageFilter.GaussianBlur(40 * img.width / 640)), skin, grad)
    add("covered", save(covered, f"images/covered-{n}.jpg"), None, None, True,
        "composed: the real frame defocused (sigma 40 px) under a skin or cloth tone, as a hand or cloth on the lens")
for rel in ["shared/val/images/cartucho_2007_000332.jpg"]:
    add("covered", rel, None, None, True, "real: the camera faces a cabinet door a hand's width away (view blocked)")
for rel in ["shared/val/images/cartucho_2007_000733.jpg", "shared/val/images/cartucho_2007_000676.jpg"]:
    add("covered", rel, None, None, False, "real: plain walls, but the room is in view")

# Camera moved: the first frame of each real office camera is its reference view.
# Camera A's frame 0 is zoomed in compared with its frames 1-4 (its view did change): 1 is the reference, 0 a real positive.
groups = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12, 13], [14, 15], [16, 17], [18, 24], [21, 22]]
add("moved", office(0), office(1), None, True, "real: the same camera zoomed in (its view changed)")
rng = random.Random(5)
for g, frames in enumerate(groups):
    ref = office(frames[0])
    for i in frames[1:]:
        add("moved", office(i), ref, None, False, "real: the same camera minutes to days later, people moved")
    other = groups[(g + 1) % len(groups)][0]
    add("moved", office(other), ref, None, True, "real: another camera's view")
    img = open_shared(office(frames[1]))
    dx, angle = rng.choice([-1, 1]) * rng.uniform(0.06, 0.1), rng.choice([-1, 1]) * rng.uniform(2, 5)
    moved = img.rotate(angle, resample=Image.BICUBIC, translate=(dx * img.width, 0.03 * img.height), fillcolor=(40, 40, 40))
    # Crop the filled corners away and scale back, as a camera that turned sees only scene.
    moved = moved.crop((32, 32, img.width - 32, img.height - 32)).resize(img.size)
    add("moved", save(moved, f"images/moved-{g}.jpg"), ref, None, True,
        f"composed: a later real frame of this camera turned {angle:.1f} deg and shifted {dx:.0%} of the width (knocked mount)")

# ---------------------------------------------------------------- the 暂停服务 sign
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
def card(text, fg=(200, 20, 20)):
    font = ImageFont.truetype(FONT, 22)
    c = Image.new("RGB", (100, 42), (245, 245, 240))
    d = ImageDraw.Draw(c)
    d.rectangle((1, 1, 98, 40), outline=fg, width=3)
    d.text((50, 21), text, font=font, fill=fg, anchor="mm")
    return c
sign = card("暂停服务")
save(sign.filter(ImageFilter.GaussianBlur(0.6)), "refs/pause-sign.jpg", quality=92)
rng = random.Random(7)
sign_frames = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
# Where a camera's counter zone would be drawn: the band the signs are put out in (searching the whole frame is slower).
COUNTER = "0.1000,0.2000,0.9500,0.8500"
for n, i in enumerate(sign_frames):
    img = open_shared(office(i))
    add("sign", office(i), "refs/pause-sign.jpg", COUNTER, False, "real: the frame without any sign")
    s = rng.uniform(0.8, 1.25)
    c = sign.resize((int(100 * s), int(42 * s)), Image.LANCZOS)
    c = ImageEnhance.Brightness(c).enhance(rng.uniform(0.7, 1.1)).rotate(rng.uniform(-6, 6), expand=True, fillcolor=(128, 128, 128))
    mask = Image.new("L", c.size, 0); ImageDraw.Draw(mask).rectangle((3, 3, c.width - 4, c.height - 4), fill=255)
    c = c.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    x, y = int(rng.uniform(0.15, 0.7) * img.width), int(rng.uniform(0.25, 0.7) * img.height)
    with_sign = img.copy(); with_sign.paste(c, (x, y), mask.filter(ImageFilter.GaussianBlur(1)))
    add("sign", save(with_sign, f"images/sign-{n}.jpg", quality=85), "refs/pause-sign.jpg", COUNTER, True,
        f"composed: the real frame with the rendered sign at {s:.2f}x, turned and dimmed (no real photo of such a sign was available)")
    if n % 3 == 0:
        other = card("欢迎光临", fg=(20, 60, 160)).resize(c.size)
        with_other = img.copy(); with_other.paste(other, (x, y))
        add("sign", save(with_other, f"images/other-sign-{n}.jpg", quality=85), "refs/pause-sign.jpg", COUNTER, False,
            "composed: the real frame with a different rendered card (欢迎光临) where a sign would stand")

# ---------------------------------------------------------------- chair back and desk, on office camera B
# Frame 5 of camera B shows the long desk arranged and the black chair at its middle empty: the reference for both.
ref_b = office(5)
chair_back = (350, 228, 392, 272)
desk = [(300, 208), (420, 212), (492, 228), (492, 292), (420, 262), (300, 238)]
desk_region = ";".join(f"{x / 640:.4f},{y / 640:.4f}" for x, y in desk)
img_b = open_shared(ref_b)

def coco_crops(classes, min_side):
    out = []
    for f in sorted(os.listdir(os.path.join(SHARED, "coco", "labels"))):
        im = None
        for line in open(os.path.join(SHARED, "coco", "labels", f)):
            c, cx, cy, w, h = line.split(); c = int(c)
            if c not in classes: continue
            im = im or Image.open(os.path.join(SHARED, "coco", "images", f[:-4] + ".jpg")).convert("RGB")
            cx, cy, w, h = float(cx) * im.width, float(cy) * im.height, float(w) * im.width, float(h) * im.height
            if min(w, h) < min_side: continue
            out.append((c, f[:-4], im.crop((int(cx - w / 2), int(cy - h / 2), int(cx + w / 2), int(cy + h / 2)))))
    return out

rng = random.Random(11)
# Chair back: real coats do not come as COCO boxes; the upper body of a real person (a jacket or shirt) is the garment.
people = [p for p in coco_crops({0}, 120) if p[2].height > 1.3 * p[2].width][:40]
add("chair", ref_b, ref_b, norm(chair_back), False, "real: the reference frame itself")
for n, f in enumerate([0.75, 1.25]):
    add("chair", save(ImageEnhance.Brightness(img_b).enhance(f), f"images/chair-light-{n}.jpg"), ref_b, norm(chair_back), False,
        f"composed: the real reference frame with the light at {f:.0%}")
for n, (_, src, person) in enumerate(rng.sample(people, 8)):
    torso = person.crop((int(0.1 * person.width), int(0.2 * person.height), int(0.9 * person.width), int(0.6 * person.height)))
    w = rng.randint(38, 50); torso = torso.resize((w, int(w * rng.uniform(0.8, 1.2))))
    out = img_b.copy(); out.paste(torso, (chair_back[0] + rng.randint(-4, 4), chair_back[1] + rng.randint(-2, 8)))
    add("chair", save(out, f"images/coat-{n}.jpg"), ref_b, norm(chair_back), True,
        f"composed: the real reference frame with the clothed torso of a real person (COCO {src}) hung over the chair back")
for n, (_, src, obj) in enumerate(rng.sample(coco_crops({24, 26}, 40), 3)):
    obj = obj.resize((34, int(34 * obj.height / obj.width)))
    out = img_b.copy(); out.paste(obj, (chair_back[0] + 4, chair_back[1] + 6))
    add("chair", save(out, f"images/bag-on-chair-{n}.jpg"), ref_b, norm(chair_back), True,
        f"composed: the real reference frame with a real bag (COCO {src}) on the chair back")

# Desk: real later frames of camera B (laptops, bottles and people at the desk) and real COCO objects put on it.
for i in [6, 7, 8]:
    add("desk", office(i), ref_b, desk_region, True, "real: the same camera later, laptops and things out on the desk")
add("desk", ref_b, ref_b, desk_region, False, "real: the reference frame itself")
for n, (f, q) in enumerate([(0.8, 70), (1.2, 80), (1.0, 60)]):
    add("desk", save(ImageEnhance.Brightness(img_b).enhance(f), f"images/desk-light-{n}.jpg", quality=q), ref_b, desk_region, False,
        f"composed: the real reference frame with the light at {f:.0%}, JPEG quality {q}")
objects = coco_crops({39, 41, 67, 73, 26}, 30)
names = {39: "bottle", 41: "cup", 67: "cell phone", 73: "book", 26: "handbag"}
for n, (c, src, obj) in enumerate(rng.sample(objects, 8)):
    w = rng.randint(14, 28); obj = obj.resize((w, max(8, int(w * obj.height / obj.width))))
    out = img_b.copy()
    out.paste(obj, (rng.randint(320, 470 - w), rng.randint(214, 240)))
    add("desk", save(out, f"images/desk-object-{n}.jpg"), ref_b, desk_region, True,
        f"composed: the real reference frame with a real {names[c]} (COCO {src}) put on the desk")

# ---------------------------------------------------------------- uniform, on office camera C
# Staff of the office behind camera C wear a black polo with a red side panel; two clear torsos are the references.
def person_box(i, k):
    lines = open(os.path.join(SHARED, "office", "labels-coco", OFFICE[i][:-4] + ".txt")).read().split("\n")
    _, cx, cy, w, h = lines[k].split()
    cx, cy, w, h = (float(v) * 640 for v in (cx, cy, w, h))
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
for n, (i, k) in enumerate([(14, 14), (12, 1)]):
    box = person_box(i, k)
    img = open_shared(office(i))
    t = (box[0] + 0.2 * (box[2] - box[0]), box[1] + 0.18 * (box[3] - box[1]), box[2] - 0.2 * (box[2] - box[0]), box[1] + 0.55 * (box[3] - box[1]))
    save(img.crop(tuple(int(v) for v in t)), f"refs/uniform-{n}.jpg", quality=92)
uniform_refs = "refs/uniform-0.jpg|refs/uniform-1.jpg"
wearing = [(10, 2), (10, 5), (10, 11), (11, 0), (11, 11), (11, 18), (12, 10), (12, 17), (13, 0), (13, 1), (15, 1)]
not_wearing = [(9, 0), (9, 2), (9, 3), (9, 4), (9, 5), (9, 6), (10, 9), (11, 3), (13, 3), (13, 7), (14, 3), (14, 11), (14, 13),
               (15, 0), (15, 2), (15, 3), (10, 0), (14, 6)]
for i, k in wearing:
    add("uniform", office(i), uniform_refs, norm(person_box(i, k)), False, "real: staff member in the black-and-red polo (labelled by eye)")
for i, k in not_wearing:
    add("uniform", office(i), uniform_refs, norm(person_box(i, k)), True, "real: person in other clothes (labelled by eye)")

# ---------------------------------------------------------------- uniform mixed, and a tie as evidence (COCO photos)
# Whole people are needed (torso and trousers), which the office frames hide behind desks: COCO photos with people in
# uniforms. Set A: the baseball team's white home uniform (000000000192, references from the batter); set B: the
# cadets' black uniform with ties (000000000328, black-and-white, references from the cadet on the left). The bands
# are the ones UniformCheck compares: torso x 20-80 %, y 18-55 % of the person box; lower x 25-75 %, y 60-90 %.
def coco(name): return f"shared/coco/images/{name}.jpg"
def coco_people(name):
    img = open_shared(coco(name)); out = []
    for line in open(os.path.join(SHARED, "coco", "labels", name + ".txt")):
        c, cx, cy, w, h = line.split()
        if c != "0": continue
        cx, cy, w, h = float(cx) * img.width, float(cy) * img.height, float(w) * img.width, float(h) * img.height
        out.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return img, out
def torso_band(b): w, h = b[2] - b[0], b[3] - b[1]; return (b[0] + 0.2 * w, b[1] + 0.18 * h, b[2] - 0.2 * w, b[1] + 0.55 * h)
def lower_band(b): w, h = b[2] - b[0], b[3] - b[1]; return (b[0] + 0.25 * w, b[1] + 0.6 * h, b[2] - 0.25 * w, b[1] + 0.9 * h)
def ibox(b): return tuple(int(round(v)) for v in b)
def region(b, img): return ",".join(f"{v:.4f}" for v in (max(0, b[0]) / img.width, max(0, b[1]) / img.height, min(img.width, b[2]) / img.width, min(img.height, b[3]) / img.height))
def pasted(img, band, source, grey=False):
    # The band of one real person replaced by the same band of another (scaled to fit): the other's trousers or shirt.
    out = img.copy(); b = ibox(band)
    patch = source.resize((b[2] - b[0], b[3] - b[1]))
    if grey: patch = patch.convert("L").convert("RGB")
    out.paste(patch, b[:2]); return out

baseball, (umpire, catcher, left_player, batter) = coco_people("000000000192")
cadets, (cadet0, cadet1, cadet2) = coco_people("000000000328")
hall, (woman, bald_man) = coco_people("000000000572")
white = save(baseball.crop(ibox(torso_band(batter))), "refs/uniform-white-torso.jpg", quality=92) + ";" + \
        save(baseball.crop(ibox(lower_band(batter))), "refs/uniform-white-lower.jpg", quality=92)
black = save(cadets.crop(ibox(torso_band(cadet0))), "refs/uniform-cadet-torso.jpg", quality=92) + ";" + \
        save(cadets.crop(ibox(lower_band(cadet0))), "refs/uniform-cadet-lower.jpg", quality=92)
jeans = hall.crop(ibox(lower_band(woman)))
add("mixed", coco("000000000192"), white, region(left_player, baseball), False, "real: another player in the white home uniform (at the picture's edge)")
add("mixed", coco("000000000192"), white, region(umpire, baseball), False, "real: umpire in black shirt and grey trousers (neither band the white uniform)")
add("mixed", coco("000000000192"), white, region(catcher, baseball), False, "real: catcher in the other team's grey uniform and gear (neither band the white uniform)")
add("mixed", coco("000000000572"), white, region(woman, hall), False, "real: woman in a navy top and grey jeans (neither band the white uniform)")
add("mixed", coco("000000000572"), white, region(bald_man, hall), False, "real: man in black (neither band the white uniform)")
add("mixed", coco("000000000328"), black, region(cadet1, cadets), False, "real: another cadet in the uniform")
add("mixed", coco("000000000328"), black, region(cadet2, cadets), False, "real: another cadet in the uniform")
add("mixed", coco("000000000192"), black, region(umpire, baseball), True, "real: black shirt (like the black uniform) with grey trousers (not)")
add("mixed", save(pasted(cadets, lower_band(cadet1), jeans, grey=True), "images/mixed-0.jpg"), black, region(cadet1, cadets), True,
    "composed: a cadet's trousers replaced by a real woman's jeans (000000000572), made grey like the photo")
add("mixed", save(pasted(cadets, torso_band(cadet2), baseball.crop(ibox(torso_band(left_player))), grey=True), "images/mixed-1.jpg"), black,
    region(cadet2, cadets), True, "composed: a cadet's jacket replaced by a real white baseball shirt (000000000192), made grey like the photo")
add("mixed", save(pasted(baseball, lower_band(left_player), jeans), "images/mixed-2.jpg"), white, region(left_player, baseball), True,
    "composed: a player's white trousers replaced by a real woman's jeans (000000000572)")
add("mixed", save(pasted(baseball, torso_band(left_player), baseball.crop(ibox(torso_band(umpire)))), "images/mixed-3.jpg"), white,
    region(left_player, baseball), True, "composed: a player's white shirt replaced by the umpire's black shirt (same photo)")
add("mixed", save(pasted(baseball, lower_band(umpire), baseball.crop(ibox(lower_band(left_player)))), "images/mixed-4.jpg"), white,
    region(umpire, baseball), True, "composed: the umpire's grey trousers replaced by a player's white uniform trousers (same photo)")

# A tie on the torso as evidence of the cadets' uniform (its site says the uniform has a tie): not-uniform with the
# cadet torso reference, on people with and without the uniform. Two of the cadets wear the tie; the suits do too.
cadet_torso = black.split(";")[0]
suit, (suit_man, camo) = coco_people("000000000165")
mirror, (mirror_man,) = coco_people("000000000459")
for person, pic, img, expected, source in [
        (cadet1, "000000000328", cadets, False, "real: cadet in the uniform with its tie"),
        (cadet2, "000000000328", cadets, False, "real: cadet in the uniform with its tie"),
        (suit_man, "000000000165", suit, True, "real: man in a grey suit and orange tie (not the uniform)"),
        (camo, "000000000165", suit, True, "real: soldier in camouflage (not the uniform)"),
        (mirror_man, "000000000459", mirror, True, "real: man in a brown suit and red tie (not the uniform)"),
        (umpire, "000000000192", baseball, True, "real: umpire in a black shirt (not the uniform)"),
        (batter, "000000000192", baseball, True, "real: baseball player in white (not the uniform)"),
        (woman, "000000000572", hall, True, "real: woman in a navy top (not the uniform)"),
        (bald_man, "000000000572", hall, True, "real: man in black (not the uniform)")]:
    add("uniform-tie", coco(pic), cadet_torso, region(person, img), expected, source)

# ---------------------------------------------------------------- seat absence, on all office frames
# Every labelled chair is a seat zone (the chair box grown to where a seated person's box lies); it is occupied when a
# labelled person has half their box in it, the same share rule the audit applies to detected people.
def share_inside(box, zone):
    ix = max(0, min(box[2], zone[2]) - max(box[0], zone[0])); iy = max(0, min(box[3], zone[3]) - max(box[1], zone[1]))
    area = (box[2] - box[0]) * (box[3] - box[1])
    return ix * iy / area if area > 0 else 0
for i, f in enumerate(OFFICE):
    boxes = []
    for line in open(os.path.join(SHARED, "office", "labels-coco", f[:-4] + ".txt")):
        c, cx, cy, w, h = line.split()
        cx, cy, w, h = (float(v) * 640 for v in (cx, cy, w, h))
        boxes.append((int(c), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    for c, b in boxes:
        if c != 56: continue
        cx, cy, w, h = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]
        zone = (max(0, cx - 0.9 * w), max(0, cy - 1.2 * h), min(640, cx + 0.9 * w), min(640, cy + 0.8 * h))
        occupied = any(share_inside(p, zone) >= 0.5 for k, p in boxes if k == 0)
        add("seat", office(i), None, norm(zone), not occupied, "real: the labelled chair as a seat zone, occupied by a labelled person or not")

with open(os.path.join(HERE, "scenarios.tsv"), "w", encoding="utf-8") as out:
    out.write("# check\timage\treference\tregion\tviolation\tsource  (made by make-scenarios.py; region: x1,y1,x2,y2 or a polygon x,y;x,y;... normalised)\n")
    for r in rows:
        out.write("\t".join(r) + "\n")
print(len(rows), "cases")
