/**
 * Synthetic residents of the demo city: names, 公民身份号码 (GB 11643, Shenyang division codes, the
 * birth date and sex they encode agree with the other fields) and households.
 *
 * The numbers are valid in form only and made up: one may by chance equal a real person's, which is
 * why every item carrying them has sensitivity 3–4 and is masked wherever it is shown.
 */
import { idNumberCheckCharacter } from '../../src/shared/identifiers.ts';
import { Random } from './random.ts';
import {
  DEMO_DATA_DATE,
  ageOn,
  addressIn,
  dayNumber,
  isoDate,
  pickDistrict,
  type DemoDistrict,
} from './shenyang.ts';

/** Common surnames of Liaoning with rough weights. */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 9],
  ['李', 8],
  ['张', 8],
  ['刘', 8],
  ['赵', 4],
  ['杨', 4],
  ['孙', 4],
  ['陈', 3.5],
  ['于', 3],
  ['高', 3],
  ['马', 2.5],
  ['徐', 2.5],
  ['郭', 2],
  ['周', 2],
  ['吴', 2],
  ['林', 1.5],
  ['韩', 1.5],
  ['朱', 1.5],
  ['宋', 1.5],
  ['董', 1.5],
  ['曹', 1.2],
  ['田', 1.2],
  ['冯', 1],
  ['邢', 0.8],
  ['白', 0.8],
  ['许', 1],
  ['吕', 0.8],
  ['崔', 1],
  ['姜', 1],
  ['谷', 0.5],
  ['关', 0.8],
  ['佟', 0.6],
  ['那', 0.4],
  ['付', 1],
  ['孟', 0.8],
  ['邓', 0.6],
  ['欧阳', 0.1],
  ['司马', 0.05],
];

const MALE_CHARACTERS = [
  ...'伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘',
];
const FEMALE_CHARACTERS = [
  ...'秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽',
];

export type Sex = 'male' | 'female';

export function personName(random: Random, sex: Sex, surname?: string): string {
  const family = surname ?? random.weighted(SURNAMES);
  const pool = sex === 'male' ? MALE_CHARACTERS : FEMALE_CHARACTERS;
  const given = random.chance(0.75) ? random.pick(pool) + random.pick(pool) : random.pick(pool);
  return family + given;
}

export function anyName(random: Random): string {
  return personName(random, random.chance(0.55) ? 'male' : 'female');
}

export function surnameOf(name: string): string {
  return name.startsWith('欧阳') || name.startsWith('司马') ? name.slice(0, 2) : name.slice(0, 1);
}

/**
 * A 公民身份号码 for a person registered in `division`, born on `birth` (ISO date): the 3-digit
 * sequence code `sequence` (0–499) becomes odd for men and even for women (GB 11643), then the
 * check character is appended.
 */
export function makeIdNumber(division: string, birth: string, sex: Sex, sequence: number): string {
  const order = sequence * 2 + (sex === 'male' ? 1 : 0);
  const first17 = `${division}${birth.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  const check = idNumberCheckCharacter(first17);
  if (check === null) throw new RangeError(`cannot number ${first17}`);
  return first17 + check;
}

/** The sex an identity number encodes (17th character odd = male). */
export function sexOfIdNumber(id: string): Sex {
  return Number(id.charAt(16)) % 2 === 1 ? 'male' : 'female';
}

// --- population -------------------------------------------------------------------------------

export interface DemoPerson {
  idNumber: string;
  name: string;
  formerName: string | null;
  sex: Sex;
  ethnicity: string;
  birthDate: string;
  birthPlace: string;
  address: string;
  householdNumber: string;
  relation: string;
  education: string | null;
  maritalStatus: string | null;
  policeStation: string;
  status: string;
  district: DemoDistrict;
}

const ETHNICITIES: readonly (readonly [string, number])[] = [
  ['汉族', 91],
  ['满族', 4.6],
  ['回族', 1.4],
  ['朝鲜族', 1.3],
  ['蒙古族', 0.9],
  ['锡伯族', 0.5],
  ['壮族', 0.1],
];

function adultEducation(random: Random, birthYear: number): string {
  // Later generations studied longer.
  const young = birthYear >= 1980;
  return random.weighted([
    ['小学', young ? 1 : 8],
    ['初中', young ? 12 : 32],
    ['高中', young ? 15 : 22],
    ['中等专科', young ? 8 : 9],
    ['大学专科', young ? 22 : 13],
    ['大学本科', young ? 34 : 14],
    ['硕士研究生', young ? 7 : 1.6],
    ['博士研究生', young ? 1 : 0.4],
  ]);
}

function childEducation(age: number): string | null {
  if (age < 6) return null;
  if (age < 12) return '小学';
  if (age < 15) return '初中';
  if (age < 18) return '高中';
  return null;
}

function policeStationOf(district: DemoDistrict, street: string): string {
  return district.urban || district.code === '210115'
    ? `沈阳市公安局${district.short}分局${street}派出所`
    : `${district.name}公安局${street}派出所`;
}

/**
 * Generates the registered population household by household: a head, usually a spouse, children
 * born when the parents were 22–38, sometimes a parent of the head. Identity numbers are unique.
 */
export function* population(seed: string): Generator<DemoPerson> {
  const random = new Random(seed);
  const taken = new Set<string>();
  const today = DEMO_DATA_DATE;
  const todayDay = dayNumber(today);
  let household = 0;

  const uniqueId = (division: string, birth: string, sex: Sex): string => {
    for (let attempt = 0; ; attempt++) {
      const id = makeIdNumber(division, birth, sex, random.int(0, 499));
      if (!taken.has(id)) {
        taken.add(id);
        return id;
      }
      if (attempt > 1000) throw new Error('demo population: identity numbers exhausted');
    }
  };

  for (;;) {
    household++;
    const district = pickDistrict(random);
    const street = random.pick(district.streets);
    const address = addressIn(random, district, district.urban);
    const householdNumber = String(100_000_000 + ((household * 7_919_113) % 900_000_000)).padStart(9, '0');
    const policeStation = policeStationOf(district, street);
    const ethnicity = random.weighted(ETHNICITIES);
    const headSex: Sex = random.chance(0.7) ? 'male' : 'female';
    const headBirthDay = todayDay - random.int(24 * 365, 86 * 365);
    const hasSpouse = random.chance(0.78);
    const members: { relation: string; sex: Sex; birthDay: number; married: boolean }[] = [
      { relation: '户主', sex: headSex, birthDay: headBirthDay, married: hasSpouse },
    ];
    if (hasSpouse)
      members.push({
        relation: '配偶',
        sex: headSex === 'male' ? 'female' : 'male',
        birthDay: headBirthDay + random.int(-5 * 365, 5 * 365),
        married: true,
      });
    const children = random.weighted([
      [0, 25],
      [1, 55],
      [2, 20],
    ] as const);
    let nextBirth = headBirthDay + random.int(22 * 365, 30 * 365);
    for (let c = 0; c < children; c++) {
      if (nextBirth > todayDay - 30) break;
      const sex: Sex = random.chance(0.51) ? 'male' : 'female';
      // Grown-up children usually have their own household; keep a few.
      const age = (todayDay - nextBirth) / 365;
      if (age < 28 || random.chance(0.25))
        members.push({
          relation: sex === 'male' ? '子' : '女',
          sex,
          birthDay: nextBirth,
          married: age >= 28 && random.chance(0.5),
        });
      nextBirth += random.int(2 * 365, 8 * 365);
    }
    if (random.chance(0.08) && todayDay - headBirthDay < 60 * 365) {
      const sex: Sex = random.chance(0.6) ? 'female' : 'male';
      members.push({
        relation: sex === 'male' ? '父亲' : '母亲',
        sex,
        birthDay: headBirthDay - random.int(22 * 365, 35 * 365),
        married: random.chance(0.6),
      });
    }
    const headSurname = random.weighted(SURNAMES);
    const spouseSurname = random.weighted(SURNAMES);
    const surnames: Readonly<Record<string, string | undefined>> = {
      户主: headSurname,
      配偶: spouseSurname,
      子: headSex === 'male' || !hasSpouse ? headSurname : spouseSurname,
      女: headSex === 'male' || !hasSpouse ? headSurname : spouseSurname,
      父亲: headSurname,
    };
    for (const member of members) {
      const birthDate = isoDate(member.birthDay);
      const age = ageOn(birthDate, today);
      const name = personName(random, member.sex, surnames[member.relation]);
      const old = age >= 75;
      const status = random.weighted([
        ['正常', 97],
        ['迁出', 1.5],
        ['死亡', old ? 6 : 0.2],
      ]);
      const marital =
        age < 20
          ? '未婚'
          : member.married
            ? '已婚'
            : random.weighted([
                ['未婚', age < 35 ? 8 : 2],
                ['离婚', 2],
                ['丧偶', age >= 65 ? 4 : 0.3],
              ]);
      yield {
        idNumber: uniqueId(district.code, birthDate, member.sex),
        name,
        formerName: random.chance(0.03) ? personName(random, member.sex, surnameOf(name)) : null,
        sex: member.sex,
        ethnicity,
        birthDate,
        birthPlace: `辽宁省沈阳市${district.name}`,
        address,
        householdNumber,
        relation: member.relation,
        education: age < 18 ? childEducation(age) : adultEducation(random, Number(birthDate.slice(0, 4))),
        maritalStatus: marital,
        policeStation,
        status,
        district,
      };
    }
  }
}
